package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.core.NodeState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Heartbeats and keys for the tests of this package. */
final class TestHeartbeats {
    static final String CLUSTER = "test-cluster";
    static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

    private TestHeartbeats() {
    }

    static HeartbeatCodec codec() {
        return new HeartbeatCodec(CLUSTER, KEY);
    }

    /** Every field random, including extreme longs, so the round trip covers the full ranges. */
    static Heartbeat random(Random r) {
        NodeState[] states = NodeState.values();
        SyncStatus[] syncs = SyncStatus.values();
        return new Heartbeat(1 + r.nextInt(2), r.nextLong(), r.nextLong(), r.nextLong(),
                r.nextLong(), states[r.nextInt(states.length)],
                ServicesPhase.values()[r.nextInt(ServicesPhase.values().length)], r.nextLong(),
                r.nextLong(), r.nextLong(), syncs[r.nextInt(syncs.length)], r.nextLong(),
                r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextInt(), r.nextLong());
    }

    static Heartbeat from(int node, long incarnation, long seq) {
        return new Heartbeat(node, incarnation, seq, -1, 0, NodeState.SECOND, ServicesPhase.IDLE, 0, 3, 3,
                SyncStatus.UPTODATE, 0, false, false, true, 0, 0);
    }
}
