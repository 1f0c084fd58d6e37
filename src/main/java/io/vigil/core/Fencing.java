package io.vigil.core;

/**
 * The right to run the services when a witness is configured (SPEC §4): renewing the lease,
 * the witness's answers outside a takeover, self-fencing and the watchdog deadline. A function of
 * the node's view: it returns the decision and changes nothing itself.
 */
final class Fencing {

    private Fencing() {
    }

    /** Run before the mode's own decision, after every event, while the node claims the services. */
    static Decision evaluate(NodeView n) {
        Decision d = new Decision();
        if (n.services() == ServicesPhase.IDLE) {
            return d;
        }
        long now = n.now();
        renewLease(n, now, d);
        if (!n.forced() && n.cfg().witnessConfigured()) {
            fenceIfUnauthorised(n, now, d);
        }
        return d;
    }

    private static void renewLease(NodeView n, long now, Decision d) {
        if (!n.cfg().witnessConfigured() || !n.leaseRequestDue()) {
            return;
        }
        long target = n.pendingLeaseEpoch() > n.epoch() ? n.pendingLeaseEpoch() : n.epoch();
        d.add(new Decision.LeaseRequest(now, now + n.cfg().heartbeatIntervalMs(), target))
                .emit(new Effect.RequestLease(now, target, false));
    }

    /**
     * Self-fencing: without a valid lease or peer grant the peer may legitimately take over, so
     * the services must be gone before that can happen. The watchdog is the backstop for a daemon
     * too paused to get here.
     */
    private static void fenceIfUnauthorised(NodeView n, long now, Decision d) {
        long margin = n.cfg().fenceMarginMs();
        boolean ok = n.leaseValid(margin) || n.grantValid(margin);
        long until = n.permittedUntil();
        armWatchdog(n, until == Long.MIN_VALUE ? now : until - margin / 2, d);
        if (ok) {
            return;
        }
        if (n.services() == ServicesPhase.STOPPING) {
            if (!n.stopImmediate()) {
                d.add(new Decision.Services(null, null, true))
                        .emit(new Effect.StopServices("fencing: no lease and no peer grant", true));
            }
            return;
        }
        d.alarm("FENCED", "no witness lease and no grant from node" + n.peerId()
                + ": stopping the services before the peer may take over");
        d.add(new Decision.Stop(Reason.FENCED, "fencing: lost the witness lease and the peer", true,
                Node.AfterStop.REJOIN));
    }

    /** Arms the watchdog for {@code deadline}, or disarms it (below 0); a forced node is never fenced. */
    static void armWatchdog(NodeView n, long deadline, Decision d) {
        if (!n.cfg().witnessConfigured() && deadline >= 0) {
            return;
        }
        long effective = n.forced() ? -1 : deadline;
        if (effective != n.watchdogDeadline()) {
            d.add(new Decision.Watchdog(effective));
        }
    }

    /** The witness answered a lease request; a node acquiring the lease decides on it in {@link Joiner}. */
    static Decision leaseReply(NodeView n, Event.LeaseReply r) {
        Decision d = new Decision().bookkeeping(Decision.Bookkeeping.Kind.LEASE_ANSWERED, null, r.requestedAtMs());
        if (n.mode() == Mode.ACQUIRING) {
            return d.then(Joiner.leaseAnswered(n, r));
        }
        if (!r.granted()) {
            return d.debug("witness refused the lease (holder node" + r.holder() + ")");
        }
        if (n.services() == ServicesPhase.IDLE) {
            return d.emit(new Effect.ReleaseLease());
        }
        boolean had = n.leaseValid(0);
        d.add(new Decision.HoldLease(r.requestedAtMs(), r.durationMs(), r.epoch()));
        return had ? d : d.info("holding the witness lease (epoch " + r.epoch() + " registered)");
    }

    static Decision leaseUnreachable(NodeView n, Event.LeaseUnreachable u) {
        Decision d = new Decision().bookkeeping(Decision.Bookkeeping.Kind.LEASE_ANSWERED, null, u.requestedAtMs());
        return n.mode() == Mode.ACQUIRING ? d.then(Joiner.leaseUnreachable(n)) : d;
    }
}
