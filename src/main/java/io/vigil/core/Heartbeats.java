package io.vigil.core;

/**
 * The heartbeat channel: what a tick means (peer lost, a heartbeat due, a swap request expired),
 * what a heartbeat from the peer means (its failovers, its grant), and the heartbeat this node
 * sends, with the grant (promise) it gives the peer. A function of the node's view: it returns the
 * decision and changes nothing itself.
 */
final class Heartbeats {

    private Heartbeats() {
    }

    /** Time passed; {@code peerLost}: the failure detector ({@link PeerView#tick}) just declared the peer lost. */
    static Decision tick(NodeView n, boolean peerLost) {
        Decision d = new Decision();
        long now = n.now();
        if (peerLost) {
            Heartbeat last = n.peerLast();
            d.info("peer node" + n.peerId() + " lost: nothing heard for " + n.peerSilentMs() + " ms"
                    + (last == null ? "" : " (it was " + last.state() + ")"))
                    .bookkeeping(Decision.Bookkeeping.Kind.REVOKE_GRANT);
        }
        if (now >= n.nextHeartbeatAtMs()) {
            // Fixed delay, never catch-up: a node that was paused sends one heartbeat, not a burst.
            d.add(new Decision.HeartbeatTimer(now + n.cfg().heartbeatIntervalMs(), true));
        }
        if (n.swapRequested() && now - n.swapRequestedAtMs() > 10 * n.cfg().heartbeatIntervalMs()) {
            d.bookkeeping(Decision.Bookkeeping.Kind.CLEAR_SWAP).info("swap request expired: the peer did not hand over");
        }
        return d;
    }

    /** A heartbeat from the peer, already recorded by {@link PeerView#heard}; {@code back}: it had been lost. */
    static Decision received(NodeView n, Heartbeat hb, boolean back) {
        Decision d = new Decision();
        if (back) {
            d.info("peer node" + hb.from() + " present: state=" + hb.state() + " epoch=" + hb.epoch()
                    + " services=" + hb.services());
        }
        boolean grantsUs = hb.grantEpoch() > 0 && hb.grantEpoch() == n.epoch() && hb.ackIncarnation() == n.incarnation();
        return d.bookkeeping(Decision.Bookkeeping.Kind.LEARN_FAILOVER, null, hb.lastFailoverEpoch())
                .add(new Decision.PeerGrant(grantsUs, hb.ackSeq()));
    }

    /**
     * The next heartbeat. Sent after a step's decisions, never before: a node that has just fenced
     * itself must not tell its peer it still runs the services (seen after a SIGCONT).
     */
    static Decision send(NodeView n) {
        long now = n.now();
        long seq = n.seq() + 1;
        Decision d = new Decision().add(new Decision.HeartbeatSent(seq, now));
        Grant grant = grantForPeer(n, d);
        long epoch = grant.fresh() ? grant.epoch() : n.epoch(); // a new grant is also this node's epoch
        Heartbeat last = n.peerLast();
        ServicesPhase services = n.services();
        return d.emit(new Effect.SendHeartbeat(new Heartbeat(n.cfg().nodeId(), n.incarnation(), seq,
                last == null ? -1 : last.seq(), last == null ? 0 : last.incarnation(), n.state(), services,
                services == ServicesPhase.RUNNING ? Math.max(1, now - n.servicesSinceMs()) : 0,
                epoch, n.dataEpoch(), services.claimed()
                        ? (n.synchronous() ? SyncStatus.UPTODATE : SyncStatus.NOT_CONFIGURED) : n.sync(),
                grant.epoch(), n.swapRequested(), n.swapWithoutSync(), n.failoverEnabled(), n.recentFailovers(),
                n.latestFailoverEpoch())));
    }

    /** The epoch a heartbeat grants the peer (0: none); {@code fresh}: granted just now, at a new epoch. */
    private record Grant(long epoch, boolean fresh) {
        static final Grant NONE = new Grant(0, false);
    }

    /** The grant (promise) this node gives the peer now; see {@link Heartbeat}. Adds its bookkeeping to {@code d}. */
    private static Grant grantForPeer(NodeView n, Decision d) {
        Heartbeat p = n.peerLive();
        if (n.services() != ServicesPhase.IDLE || p == null || n.mode() == Mode.ACQUIRING) {
            return Grant.NONE;
        }
        if (p.services().claimed()) {
            return p.epoch() >= n.epoch() ? new Grant(p.epoch(), false) : Grant.NONE;
        }
        if (p.services() != ServicesPhase.IDLE) {
            return Grant.NONE;
        }
        long granted = n.grantedEpoch();
        if (granted > 0 && p.epoch() >= granted) {
            granted = 0; // consumed: the peer took it (and may since have lost it)
            d.add(new Decision.Epochs(n.epoch(), n.dataEpoch(), 0L));
        }
        if (granted > 0) {
            return new Grant(granted, false);
        }
        if (Joiner.shouldPeerRun(n, p)) {
            granted = Epochs.next(n.peerId(), Math.max(n.epoch(), p.epoch()));
            d.add(new Decision.Epochs(granted, n.dataEpoch(), granted))
                    .info("granting node" + n.peerId() + " the services at epoch " + granted).persist();
            return new Grant(granted, true);
        }
        return Grant.NONE;
    }
}
