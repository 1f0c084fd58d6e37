package io.vigil.core;

/**
 * Decisions of a node that does not run the services: joining the peer (follow it, accept its
 * grant, or wait for it), standing by (SECOND), and acquiring the witness lease after the peer
 * was lost (and what the witness's answer means). Who runs after a start or a double failure is {@link #shouldPeerRun}. A function of
 * the node's view: it returns the decision and changes nothing itself.
 */
final class Joiner {

    private Joiner() {
    }

    static Decision joining(NodeView n) {
        return joining(n, new Decision());
    }

    private static Decision joining(NodeView n, Decision d) {
        Heartbeat p = n.peerLive();
        if (p == null) {
            // Keep the cause of a refused takeover visible (e.g. "failover is off"), not just "lost".
            return d.status(n.peerLast() == null
                    ? "waiting for node" + n.peerId() + ": start it, or force start this node if it is gone for good"
                    : "node" + n.peerId() + " is lost; not taking over from WAIT"
                    + (n.noTakeoverCause() == null ? "" : " (" + n.noTakeoverCause() + ")")
                    + ": start it, or force start this node", true);
        }
        d.bookkeeping(Decision.Bookkeeping.Kind.CLEAR_NO_TAKEOVER_CAUSE, null, 0);
        if (acceptGrant(n, p, d)) {
            return d;
        }
        if (p.services().claimed()) {
            return d.add(new Decision.Follow(p, Reason.FOLLOW_PEER));
        }
        if (n.grantedEpoch() > 0 || shouldPeerRun(n, p)) {
            return d.status("node" + n.peerId() + " should run the services: granting them to it", false);
        } else if (p.state() == NodeState.STOP && p.dataEpoch() > n.dataEpoch()) {
            return d.status("node" + n.peerId() + " is stopped and holds newer data (epoch " + p.dataEpoch() + " > "
                    + n.dataEpoch() + "): start it, or force start this node (data loss)", true);
        }
        return d.status("waiting for node" + n.peerId() + " to agree that this node runs the services", false);
    }

    static Decision standby(NodeView n) {
        Heartbeat p = n.peerLive();
        if (p == null) {
            return Takeover.peerLost(n);
        }
        Decision d = new Decision();
        if (acceptGrant(n, p, d)) {
            return d;
        }
        if (p.services() == ServicesPhase.IDLE) {
            d.move(Mode.JOINING, Reason.PEER_IDLE, "node" + n.peerId() + " no longer runs the services");
            return joining(n, d);
        }
        long epoch = n.epoch();
        long dataEpoch = n.dataEpoch();
        if (p.services().claimed() && p.epoch() > epoch) {
            epoch = p.epoch();
            d.add(new Decision.Epochs(epoch, dataEpoch, null)).persist();
        }
        if (p.services().claimed() && p.epoch() == epoch && n.sync() == SyncStatus.UPTODATE
                && p.sync() == SyncStatus.UPTODATE && dataEpoch != epoch) {
            dataEpoch = epoch;
            d.add(new Decision.Epochs(epoch, dataEpoch, null))
                    .info("data up to date with node" + n.peerId() + " at epoch " + epoch).persist();
        }
        return d.status(dataEpoch == epoch ? "standing by, data up to date" : "standing by, data " + n.sync().label(),
                false);
    }

    static Decision acquiring(NodeView n) {
        Decision d = new Decision();
        Heartbeat p = n.peerLive();
        if (p != null) {
            d.info("peer node" + n.peerId() + " heard again: abandoning the takeover");
            return p.services().claimed() ? d.add(new Decision.Follow(p, Reason.PEER_HEARD))
                    : d.move(Mode.JOINING, Reason.PEER_HEARD, null);
        }
        if (n.leaseRequestDue()) {
            d.add(new Decision.AcquireLease(Epochs.next(n.cfg().nodeId(), n.epoch())));
        }
        return d;
    }

    /** The witness answered the lease request of a node whose peer is lost: take over, or not. */
    static Decision leaseAnswered(NodeView n, Event.LeaseReply r) {
        Decision d = new Decision();
        if (!r.granted()) {
            return d.debug("witness refused the lease (holder node" + r.holder() + ")")
                    .status("peer lost; the witness lease is held by node" + r.holder() + ": waiting", true);
        }
        long requested = Epochs.next(n.cfg().nodeId(), n.epoch());
        // The answer carries the highest epoch registered before our request (our own new epoch
        // would hide a run we missed: found by the simulator, a replayed old heartbeat made a
        // restarted stale node take over). It may be our own earlier request, whose answer was lost.
        if (r.highestEpoch() > n.dataEpoch() && r.highestEpoch() != requested) {
            // The peer registered a newer epoch: it ran without us, our data is stale.
            return d.emit(new Effect.ReleaseLease())
                    .move(Mode.JOINING, Reason.STALE_DATA, null)
                    .add(new Decision.Status(null, true, "node" + n.peerId() + " ran the services at epoch "
                            + r.highestEpoch() + " after this node's data (epoch " + n.dataEpoch() + ")"))
                    .alarm("STALE_DATA", "peer lost, but node" + n.peerId() + " ran the services at epoch "
                            + r.highestEpoch() + " after our data (epoch " + n.dataEpoch() + "): not taking over;"
                            + " start node" + n.peerId() + " or force start this node (data loss)");
        }
        return d.add(new Decision.HoldLease(r.requestedAtMs(), r.durationMs(), requested))
                .info("holding the witness lease (epoch " + requested + " registered)")
                .add(new Decision.TakeOver(Reason.LEASE_ACQUIRED, "peer lost",
                        r.highestEpoch() == requested ? 0 : r.highestEpoch()));
    }

    /** The witness did not answer: without it, taking over could run the services twice. */
    static Decision leaseUnreachable(NodeView n) {
        return new Decision().status("node" + n.peerId() + " lost and the witness does not answer: not taking over,"
                + " since both nodes might run the services; force start this node if node" + n.peerId()
                + " is gone for good", true);
    }

    /** Starts the services if the live peer grants us a newer epoch. */
    private static boolean acceptGrant(NodeView n, Heartbeat p, Decision d) {
        if (p.services() != ServicesPhase.IDLE || p.grantEpoch() <= n.epoch() || p.ackIncarnation() != n.incarnation()) {
            return false;
        }
        d.info("node" + n.peerId() + " grants this node the services at epoch " + p.grantEpoch())
                .add(new Decision.AcceptGrant(p.grantEpoch(), p.ackSeq()));
        return true;
    }

    /** Would this node hand the services to the (idle, live) peer? Same rule on both nodes. */
    static boolean shouldPeerRun(NodeView n, Heartbeat p) {
        if (p.state() == NodeState.STOP || p.services() != ServicesPhase.IDLE) {
            return false;
        }
        if (n.mode() == Mode.STOPPED) {
            return p.dataEpoch() >= n.dataEpoch();
        }
        if (p.dataEpoch() != n.dataEpoch()) {
            return p.dataEpoch() > n.dataEpoch();
        }
        return p.from() < n.cfg().nodeId();
    }
}
