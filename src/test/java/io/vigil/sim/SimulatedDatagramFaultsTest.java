package io.vigil.sim;

import io.vigil.core.NodeState;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heartbeats travel the simulator as signed bytes through the production codec and replay guard:
 * damaged ones are rejected for what they are and count as lost, never as a heartbeat.
 */
class SimulatedDatagramFaultsTest {

    private static SimWorld formed(long seed, boolean witness) {
        SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(witness));
        w.boot(1);
        w.boot(2);
        w.runFor(8_000);
        assertThat(w.state(1)).isEqualTo(NodeState.PRIM);
        assertThat(w.state(2)).isEqualTo(NodeState.SECOND);
        return w;
    }

    @Test
    void everyDatagramFlippedIsRejectedByItsMacAndThePeerIsLostAsOverACutLink() {
        SimWorld w = formed(11, true);
        w.datagrams.corrupt = 1.0;
        w.runFor(10_000);
        assertThat(w.rejected(1).get(Reason.BAD_MAC) + w.rejected(1).get(Reason.BAD_MAGIC)
                + w.rejected(1).get(Reason.BAD_VERSION) + w.rejected(1).get(Reason.WRONG_CLUSTER)
                + w.rejected(1).get(Reason.MALFORMED)).as("node1's rejections").isGreaterThan(5);
        // With a witness, exactly one node runs the services while the nodes cannot hear each other.
        assertThat(w.state(1)).isIn(NodeState.ALONE, NodeState.PRIM);
        assertThat(w.state(2)).isNotIn(NodeState.ALONE, NodeState.PRIM);
        w.datagrams.heal();
        new Nemesis(w, false).awaitConverged(30_000);
    }

    @Test
    void truncatedDatagramsAreRejectedAsTooShort() {
        SimWorld w = formed(12, false);
        w.datagrams.truncate = 1.0;
        w.runFor(2_500);
        assertThat(w.rejected(2).get(Reason.TOO_SHORT) + w.rejected(2).get(Reason.BAD_MAGIC))
                .as("node2's rejections of cut datagrams").isPositive();
        w.datagrams.heal();
        w.runFor(5_000);
        assertThat(w.state(1)).isEqualTo(NodeState.PRIM);
        assertThat(w.state(2)).isEqualTo(NodeState.SECOND);
    }

    @Test
    void replayedDatagramsAreRefusedAndChangeNothing() {
        SimWorld w = formed(13, false);
        w.datagrams.replay = 1.0;
        w.runFor(20_000);
        assertThat(w.rejected(1).get(Reason.REPLAYED)).as("node1 refused replays").isGreaterThan(10);
        assertThat(w.rejected(2).get(Reason.REPLAYED)).as("node2 refused replays").isGreaterThan(10);
        assertThat(w.state(1)).isEqualTo(NodeState.PRIM);
        assertThat(w.state(2)).isEqualTo(NodeState.SECOND);
    }
}
