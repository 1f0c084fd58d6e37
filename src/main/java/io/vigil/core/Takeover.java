package io.vigil.core;

/**
 * A SECOND that lost its peer (SPEC §2 trigger (a)): take over now, ask the witness first,
 * or stay in WAIT with the reason it may not.
 */
final class Takeover {
    private final Node n;

    Takeover(Node n) {
        this.n = n;
    }

    void peerLost() {
        long now = n.clock.nowMs();
        Heartbeat last = n.peer.last();
        String cannot = null;
        if (!n.failoverEnabled) {
            cannot = "failover is off";
        } else if (n.dataEpoch < n.epoch) {
            cannot = "this node's data is not up to date (" + n.sync.label() + ")";
        } else if (!n.flaps.allows(now, last == null ? 0 : last.recentFailovers())) {
            cannot = "flapping protection: " + n.flaps.max() + " automatic failovers in the window";
            n.alarm("FLAPPING", "node" + n.peerId() + " lost, but " + cannot
                    + "; the services are not moved automatically (force start if needed)");
        }
        n.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        if (cannot != null) {
            n.moveTo(Mode.JOINING, Reason.PEER_LOST, "node" + n.peerId() + " lost; no failover: " + cannot);
            n.blocked = true;
            n.noTakeoverCause = "no failover: " + cannot;
            n.info(n.reason);
            return;
        }
        if (n.cfg.witnessConfigured()) {
            n.moveTo(Mode.ACQUIRING, Reason.PEER_LOST, "node" + n.peerId() + " lost; asking the witness for the lease");
            n.blocked = false;
            n.info(n.reason);
            return;
        }
        n.takeOver(Reason.PEER_LOST, "node" + n.peerId() + " lost", 0);
    }
}
