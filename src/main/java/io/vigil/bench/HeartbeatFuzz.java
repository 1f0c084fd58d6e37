package io.vigil.bench;

import io.vigil.core.BootMode;
import io.vigil.core.CoreConfig;
import io.vigil.core.Event;
import io.vigil.core.Heartbeat;
import io.vigil.core.Node;
import io.vigil.core.NodeState;
import io.vigil.core.PersistedState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.heartbeat.HeartbeatCodec;
import io.vigil.heartbeat.HeartbeatRejected;
import io.vigil.heartbeat.ReplayGuard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Heartbeat datagrams through the path the UDP transport takes: {@link HeartbeatCodec#decode},
 * then {@link ReplayGuard#admit}, then {@link Node#step} for an admitted new heartbeat.
 *
 * <p>Two lanes (the case's first byte). The <em>victim</em> lane gets only input that is not a
 * fresh authentic heartbeat: random bytes, mutated or wrongly keyed packets, and replays of
 * captured ones (of the peer's current incarnation and of an earlier one, SPEC §2). Its node
 * heard a genuine PRIM peer at setup and its clock stands still, so anything that reaches it, or
 * changes its status, is a state change. The <em>scratch</em> lane gets authentic packets with
 * edited fields (signed with the key), so the parser and the state machine behind the MAC run
 * on hostile values; there only crashes and hangs count.
 */
final class HeartbeatFuzz implements FuzzTarget {

    static final String CLUSTER = "fuzz-cluster";
    private static final byte VICTIM = 0;
    private static final byte SCRATCH = 1;
    /** The victim lane with a recorded heartbeat of the peer's earlier incarnation (issue 10 item 2). */
    private static final byte OLD_REPLAY = 2;
    private static final int MAC_BYTES = 32;
    /** The genuine peer's incarnations: an earlier run (recorded) and the current one. */
    private static final long OLD_INCARNATION = 100;
    private static final long CURRENT_INCARNATION = 200;

    private final byte[] key = FuzzKeys.key("heartbeat");
    private final byte[] otherKey = FuzzKeys.key("another cluster");
    private final HeartbeatCodec codec = new HeartbeatCodec(CLUSTER, key);
    private final HeartbeatCodec otherCodec = new HeartbeatCodec(CLUSTER, otherKey);
    private final List<byte[]> captured = new ArrayList<>();
    private final List<byte[]> oldCaptured = new ArrayList<>();
    private final long[] victimNow = {1_000};
    private Node victim;
    private ReplayGuard victimGuard;
    private String victimBaseline;
    private final long[] scratchNow = {1_000};
    private final Node scratch = newNode(2, () -> scratchNow[0]);
    private final ReplayGuard scratchGuard = newGuard(2);

    HeartbeatFuzz() {
        for (long seq = 1; seq <= 8; seq++) {
            oldCaptured.add(codec.encode(peer(OLD_INCARNATION, seq, NodeState.ALONE, 4)));
        }
        for (long seq = 1; seq <= 6; seq++) {
            captured.add(codec.encode(peer(CURRENT_INCARNATION, seq, NodeState.PRIM, 6)));
        }
        scratch.step(new Event.Boot(new PersistedState(NodeState.SECOND, 5, 5, BootMode.KEEP, true)));
        captured.forEach(p -> deliver(scratchGuard, scratch, p));
        resetVictim();
    }

    /** A fresh node 2 that has heard the genuine peer's current incarnation: a PRIM at epoch 6. */
    private void resetVictim() {
        victimNow[0] = 1_000;
        victim = newNode(2, () -> victimNow[0]);
        victimGuard = newGuard(2);
        victim.step(new Event.Boot(new PersistedState(NodeState.SECOND, 5, 5, BootMode.KEEP, true)));
        for (byte[] p : captured) {
            if (!deliver(victimGuard, victim, p)) {
                throw new IllegalStateException("fuzz setup: a genuine heartbeat was not delivered");
            }
        }
        victimBaseline = observe();
    }

    @Override
    public String name() {
        return "heartbeat";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        int kind = r.nextInt(8);
        byte lane = kind == 5 ? OLD_REPLAY : kind < 6 ? VICTIM : SCRATCH;
        byte[] datagram = switch (kind) {
            case 0 -> Mutator.randomBytes(r, r.nextInt(HeartbeatCodec.PACKET_BYTES * 2));
            case 1 -> Mutator.mutate(any(captured, r), r);
            case 2 -> otherCodec.encode(randomHeartbeat(r));
            case 3 -> Mutator.flipBitsIn(any(captured, r), 0, HeartbeatCodec.PACKET_BYTES, r);
            case 4 -> any(captured, r);
            case 5 -> any(oldCaptured, r);
            case 6 -> codec.encode(randomHeartbeat(r));
            default -> resign(Mutator.flipBitsIn(any(captured, r), 0, HeartbeatCodec.PACKET_BYTES - MAC_BYTES, r));
        };
        return Mutator.concat(new byte[] {lane}, datagram);
    }

    @Override
    public Verdict feed(byte[] input) {
        byte[] datagram = Arrays.copyOfRange(input, 1, input.length);
        if (input[0] == SCRATCH) {
            scratchNow[0] += 50;
            scratch.step(new Event.Tick());
            return deliver(scratchGuard, scratch, datagram) ? Verdict.ACCEPTED : Verdict.REJECTED;
        }
        boolean delivered = deliver(victimGuard, victim, datagram);
        String now = observe();
        if (delivered || !now.equals(victimBaseline)) {
            String what = (delivered ? "a heartbeat that is not fresh reached Node.step; " : "")
                    + "the node's status changed: " + TreeSnapshot.diff(fields(victimBaseline), fields(now));
            resetVictim(); // so that the next cases are judged against a clean node
            return Verdict.stateChange(input[0] == OLD_REPLAY ? "replay of an earlier incarnation"
                    : "not fresh or not authentic", what);
        }
        return Verdict.REJECTED;
    }

    /** The transport's path; true when the heartbeat reached the state machine. */
    private boolean deliver(ReplayGuard guard, Node node, byte[] datagram) {
        try {
            Heartbeat hb = codec.decode(datagram, datagram.length);
            if (guard.admit(hb) == ReplayGuard.Admission.NEW) {
                node.step(new Event.HeartbeatReceived(hb));
                return true;
            }
            return false;
        } catch (HeartbeatRejected e) {
            return false;
        }
    }

    /** What the node shows: its status (state, epochs, peer view, sync, warnings) and epoch. */
    private String observe() {
        return victim.status() + " epoch=" + victim.epoch() + " services=" + victim.services();
    }

    /** One "name=value" per line, so a change shows only the fields that differ. */
    private static String fields(String status) {
        return status.replace(", ", "\n").replace("[", "\n").replace(" epoch=", "\nepoch=")
                .replace(" services=", "\nservices=");
    }

    private byte[] resign(byte[] packet) {
        int n = packet.length - MAC_BYTES;
        System.arraycopy(FuzzKeys.hmac(key, packet, n), 0, packet, n, MAC_BYTES);
        return packet;
    }

    private static Heartbeat peer(long incarnation, long seq, NodeState state, long epoch) {
        return new Heartbeat(1, incarnation, seq, -1, 0, state, ServicesPhase.RUNNING, 60_000, epoch, epoch,
                SyncStatus.UPTODATE, 0, false, false, true, 0, 0);
    }

    private static Heartbeat randomHeartbeat(SplittableRandom r) {
        NodeState[] states = NodeState.values();
        ServicesPhase[] phases = ServicesPhase.values();
        SyncStatus[] syncs = SyncStatus.values();
        return new Heartbeat(r.nextInt(8) == 0 ? 2 : 1, Mutator.edgeLong(r), Mutator.edgeLong(r),
                Mutator.edgeLong(r), Mutator.edgeLong(r), states[r.nextInt(states.length)],
                phases[r.nextInt(phases.length)], Mutator.edgeLong(r), Mutator.edgeLong(r), Mutator.edgeLong(r),
                syncs[r.nextInt(syncs.length)], Mutator.edgeLong(r), r.nextBoolean(), r.nextBoolean(),
                r.nextBoolean(), Mutator.edgeInt(r), Mutator.edgeLong(r));
    }

    private static byte[] any(List<byte[]> packets, SplittableRandom r) {
        return packets.get(r.nextInt(packets.size())).clone();
    }

    /** The one place that builds a node: its constructor is being changed (issue 10 item 2). */
    private static Node newNode(int id, io.vigil.core.Clock clock) {
        return new Node(CoreConfig.defaults(id, false), clock, new SplittableRandom(id));
    }

    private static ReplayGuard newGuard(int ownId) {
        return new ReplayGuard(ownId);
    }
}
