package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;

/**
 * Replay protection for authenticated heartbeats (SPEC §2). The HMAC proves a packet came from
 * the peer once; this proves it is new, so a recorded heartbeat (say, an old grant) cannot be
 * played back to steer our state machine.
 *
 * <p>Each daemon start draws an incarnation greater than all its earlier ones (persisted in its
 * data directory, see {@code io.vigil.daemon.IncarnationStore}), and {@code seq} grows within
 * an incarnation, so the pair (incarnation, seq) only ever increases: anything not above the
 * last accepted pair is a duplicate or a replay. An older incarnation is refused even when we
 * never saw it, which is what stops a recording from before the peer's restart from
 * displacing the genuine incarnation (issue 10, item 2).
 *
 * <p>Limit: right after our own start we know no incarnation, so the first authentic packet is
 * believed even if it is an old recording; the peer's next real heartbeat carries a higher
 * incarnation and supersedes it, after which the recording is refused. Thread-safe: one guard is
 * shared by the receiver threads of all heartbeat networks.
 */
public final class ReplayGuard {

    /** What to do with an admitted heartbeat. */
    public enum Admission {
        /** Newer than anything before: deliver it. */
        NEW,
        /**
         * The very heartbeat accepted last, again. The peer sends each heartbeat on every
         * network, so this is the normal copy from the other networks: it proves that network
         * is alive, but must not be delivered twice. Older copies are {@code REPLAYED}.
         */
        COPY_OF_LAST
    }

    private final int ownId;
    private boolean seenAny;
    private long incarnation;
    private long lastSeq;

    /** @param ownId this node's id, 1 or 2 */
    public ReplayGuard(int ownId) {
        if (ownId != 1 && ownId != 2) {
            throw new IllegalArgumentException("node id " + ownId + " invalid: must be 1 or 2");
        }
        this.ownId = ownId;
    }

    /**
     * Records {@code hb} as seen if it is new.
     *
     * @throws HeartbeatRejected {@code WRONG_SENDER} or {@code REPLAYED}; nothing is recorded
     */
    public synchronized Admission admit(Heartbeat hb) throws HeartbeatRejected {
        checkSender(hb.from());
        if (!seenAny || hb.incarnation() > incarnation) {
            seenAny = true;
            incarnation = hb.incarnation();
            lastSeq = hb.seq();
            return Admission.NEW;
        }
        if (hb.incarnation() < incarnation) {
            throw new HeartbeatRejected(Reason.REPLAYED, "node " + hb.from() + " incarnation "
                    + hb.incarnation() + " is older than its incarnation " + incarnation
                    + " already heard: a recording from before the peer restarted (if the peer's"
                    + " data directory was reset while its clock was behind, restart this node)");
        }
        if (hb.seq() > lastSeq) {
            lastSeq = hb.seq();
            return Admission.NEW;
        }
        if (hb.seq() == lastSeq) {
            return Admission.COPY_OF_LAST;
        }
        throw new HeartbeatRejected(Reason.REPLAYED, "node " + hb.from() + " incarnation "
                + hb.incarnation() + " seq " + hb.seq() + " is older than seq " + lastSeq
                + " already accepted");
    }

    private void checkSender(int from) throws HeartbeatRejected {
        if (from == ownId) {
            throw new HeartbeatRejected(Reason.WRONG_SENDER, "heartbeat claims to come from node "
                    + from + ", which is this node: the peer is configured with our node id, or "
                    + "the peer address points back at this host");
        }
        if (from != 1 && from != 2) {
            throw new HeartbeatRejected(Reason.WRONG_SENDER, "heartbeat from node " + from
                    + ": node ids are 1 or 2");
        }
    }
}
