package io.vigil.core;

/**
 * The compound actions of a {@link Decision} (start or stop the services, take over, hand over,
 * follow, accept a grant, acquire the lease), each expanded into simple actions when
 * {@code Node#apply} reaches it, so it reads the node as the actions before it left it: a start
 * that follows new epochs starts the services in the new epoch. A function of the node's view:
 * it returns the expansion and changes nothing itself.
 */
final class Compound {

    private Compound() {
    }

    /**
     * Starts the services. Asynchronous replication is safe only in a new epoch (no replica can
     * claim its data yet); a restart in the same epoch passes the mode it had.
     */
    static Decision start(NodeView n, Decision.Start s) {
        return new Decision().move(Mode.STARTING, s.reason(), "starting the services: " + s.why())
                .add(new Decision.Services(ServicesPhase.STARTING, null, null))
                .status(null, false)
                .bookkeeping(Decision.Bookkeeping.Kind.CLEAR_SWAP)
                .add(new Decision.Replication(s.synchronousReplication(), -1, null))
                .emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, s.synchronousReplication()))
                .emit(new Effect.StartServices(n.epoch()))
                .persist();
    }

    static Decision stop(NodeView n, Decision.Stop s) {
        Decision d = new Decision().add(new Decision.StopPlan(s.then()));
        if (n.services() == ServicesPhase.IDLE) {
            return d.emit(new Effect.StopServices(s.why(), s.immediate())).move(Mode.STOPPING, s.reason(), null);
        }
        return d.move(Mode.STOPPING, s.reason(), "stopping the services: " + s.why())
                .add(new Decision.Services(ServicesPhase.STOPPING, null, s.immediate()))
                .emit(new Effect.StopServices(s.why(), s.immediate()));
    }

    /** Promotion after the peer was lost (or after the witness confirmed it). */
    static Decision takeOver(NodeView n, Decision.TakeOver t) {
        long now = n.now();
        long epoch = Epochs.next(n.cfg().nodeId(), Math.max(n.epoch(), t.witnessEpoch()));
        long detect = n.peerLastHeardAtMs() < 0 ? 0 : now - n.peerLastHeardAtMs();
        return new Decision().add(new Decision.Epochs(epoch, epoch, null))
                .bookkeeping(Decision.Bookkeeping.Kind.RECORD_FAILOVER, null, epoch)
                .emit(new Effect.FailoverPerformed(t.why(), detect))
                .info("failover: " + t.why() + "; taking over the services at epoch " + epoch + " (peer silent "
                        + detect + " ms)")
                .add(new Decision.Start(t.reason(), "failover, " + t.why(), false));
    }

    /** Stops the services here, then grants the peer the next epoch. */
    static Decision handOver(NodeView n, Decision.HandOver h) {
        return new Decision().bookkeeping(Decision.Bookkeeping.Kind.HANDOVER_EPOCH, null,
                        Epochs.next(n.peerId(), n.epoch()))
                .add(new Decision.Stop(h.reason(), h.why(), false, Node.AfterStop.HANDOVER));
    }

    static Decision follow(NodeView n, Decision.Follow f) {
        // A report from before (re)following says nothing about the new stream.
        return new Decision().move(Mode.STANDBY, f.reason(), "following node" + n.peerId())
                .add(new Decision.Epochs(Math.max(n.epoch(), f.peer().epoch()), n.dataEpoch(), 0L))
                .add(new Decision.Sync(SyncStatus.CONNECTION_ERROR))
                .emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.STANDBY, false))
                .persist();
    }

    /** The peer grants us a newer epoch: start the services in it. */
    static Decision acceptGrant(NodeView n, Decision.AcceptGrant g) {
        // The grant that starts us is also the promise we run under until the lease is ours.
        return new Decision().add(new Decision.Epochs(g.epoch(), g.epoch(), 0L))
                .add(new Decision.PeerGrant(true, g.ackSeq()))
                .add(new Decision.Start(Reason.GRANTED, "granted by node" + n.peerId(), false));
    }

    /** Asks the witness for the lease at the requested epoch, to take over from the lost peer. */
    static Decision acquireLease(NodeView n, Decision.AcquireLease l) {
        long now = n.now();
        return new Decision().add(new Decision.LeaseRequest(now, now + n.cfg().heartbeatIntervalMs() / 2, null))
                .emit(new Effect.RequestLease(now, l.epoch(), true));
    }
}
