package io.vigil.core;

/**
 * A SECOND that lost its peer (SPEC §2 trigger (a)): take over now, ask the witness first,
 * or stay in WAIT with the reason it may not. A function of the node's view: it returns the
 * decision and changes nothing itself.
 */
final class Takeover {

    private Takeover() {
    }

    static Decision peerLost(NodeView n) {
        Decision d = new Decision();
        Heartbeat last = n.peerLast();
        String cannot = null;
        if (!n.failoverEnabled()) {
            cannot = "failover is off";
        } else if (n.dataEpoch() < n.epoch()) {
            cannot = "this node's data is not up to date (" + n.sync().label() + ")";
        } else if (!n.failoverAllowed(last == null ? 0 : last.recentFailovers())) {
            cannot = "flapping protection: " + n.maxFailovers() + " automatic failovers in the window";
            d.alarm("FLAPPING", "node" + n.peerId() + " lost, but " + cannot
                    + "; the services are not moved automatically (force start if needed)");
        }
        d.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        if (cannot != null) {
            String why = "node" + n.peerId() + " lost; no failover: " + cannot;
            return d.move(Mode.JOINING, Reason.PEER_LOST, why)
                    .add(new Decision.Status(null, true, "no failover: " + cannot))
                    .info(why);
        }
        if (n.cfg().witnessConfigured()) {
            String why = "node" + n.peerId() + " lost; asking the witness for the lease";
            return d.move(Mode.ACQUIRING, Reason.PEER_LOST, why).status(null, false).info(why);
        }
        return d.add(new Decision.TakeOver(Reason.PEER_LOST, "node" + n.peerId() + " lost", 0));
    }
}
