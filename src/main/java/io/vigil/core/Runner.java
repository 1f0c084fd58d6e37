package io.vigil.core;

/**
 * Decisions of a node that runs the services: split brain on heal, service failover
 * (SPEC §2 trigger (b)), swap requests from the peer, and when replication may become
 * asynchronous without risking an acknowledged write. A function of the node's view: it
 * returns the decision and changes nothing itself.
 */
final class Runner {
    private final NodeView n;
    private final long now;
    private final Decision d = new Decision();
    /** The node's flags as this decision leaves them (later rules read the updated values). */
    private boolean forced;
    private boolean synchronous;
    private long partnerDownSinceMs;

    private Runner(NodeView n) {
        this.n = n;
        this.now = n.now();
        this.forced = n.forced();
        this.synchronous = n.synchronous();
        this.partnerDownSinceMs = n.partnerDownSinceMs();
    }

    static Decision evaluate(NodeView n) {
        Runner r = new Runner(n);
        r.decide();
        return r.d;
    }

    private void decide() {
        Heartbeat p = n.peerLive();
        if (p != null && p.services().claimed()) {
            splitBrain(p);
            return;
        }
        if (forced && p != null && p.state() == NodeState.SECOND) {
            forced = false; // the peer follows again: normal rules apply
            d.add(new Decision.Flags(null, null, null, null, false));
        }
        String due = n.resourceDueForFailover();
        if (due != null && serviceFailover(due, p)) {
            return;
        }
        if (p != null && p.swapRequest() && p.state() == NodeState.SECOND
                && Commands.handOverRefusal(n, p, p.swapWithoutSync()) == null) {
            d.info("node" + n.peerId() + " asked for a swap");
            d.add(new Decision.HandOver(Reason.SWAP_REQUESTED, "swap requested by node" + n.peerId()));
            return;
        }
        manageSync(p);
        d.status(synchronous ? "running the services, replicating synchronously to node" + n.peerId()
                : "running the services" + (p == null ? ", node" + n.peerId() + " absent" : ""), false);
    }

    private void splitBrain(Heartbeat p) {
        long mine = n.services() == ServicesPhase.RUNNING ? Math.max(1, now - n.servicesSinceMs()) : 0;
        boolean keep = mine > p.servicesUpMs() || (mine == p.servicesUpMs() && n.cfg().nodeId() < p.from());
        if (n.cfg().witnessConfigured() && !forced) {
            // With a witness the lease decides, not seniority: a peer that claims the services
            // without the lease is about to fence itself (e.g. it was paused), so do not yield to it.
            keep = n.leaseValid(n.cfg().fenceMarginMs());
        }
        if (keep) {
            String msg = "split brain: node" + p.from() + " also runs the services; it has run them for less time,"
                    + " so it stops and resyncs from this node (its divergent data is kept aside)";
            if (!msg.equals(n.lastAlarm())) {
                d.add(new Decision.Bookkeeping(Decision.Bookkeeping.Kind.REMEMBER_ALARM, msg, 0));
                d.alarm("SPLIT_BRAIN", msg);
            }
            return;
        }
        d.alarm("SPLIT_BRAIN", "split brain: node" + p.from() + " has run the services longer; stopping them here."
                + " This node's divergent data (epoch " + n.dataEpoch() + ") is kept aside before the resync:"
                + " its database, when it holds transactions node" + p.from() + " lacks (alarm DIVERGENT_DATA_KEPT says where)");
        d.add(new Decision.Epochs(n.epoch(), 0, null)); // diverged: never preferred until resynchronised
        d.add(new Decision.Stop(Reason.SPLIT_BRAIN, "split brain resolved in favour of node" + p.from(), true,
                Node.AfterStop.REJOIN));
    }

    /** True if the services are handed over (nothing else is decided then). */
    private boolean serviceFailover(String resource, Heartbeat p) {
        String why = "resource " + resource + " unavailable for " + n.cfg().serviceFailoverDelayMs() / 1000
                + " s after local restarts (" + n.resourceDetail(resource) + ")";
        String cannot;
        if (!n.failoverEnabled()) {
            cannot = "failover is off";
        } else if (n.detectionSuspended()) {
            cannot = "error detection is suspended";
        } else if (!n.failoverAllowed(p == null ? 0 : p.recentFailovers())) {
            cannot = "flapping protection (" + n.maxFailovers() + " automatic failovers in the window)";
        } else if (p == null) {
            cannot = "node" + n.peerId() + " is absent";
        } else {
            cannot = Commands.handOverRefusal(n, p, false);
        }
        if (cannot != null) {
            d.alarm("SERVICE_DOWN", why + "; no failover: " + cannot);
            d.bookkeeping(Decision.Bookkeeping.Kind.POSTPONE_FAILOVER, resource, now);
            d.emit(new Effect.RestartResource(resource));
            return false;
        }
        d.alarm("SERVICE_FAILOVER", why + ": handing the services over to node" + n.peerId());
        d.add(new Decision.HandOver(Reason.SERVICE_FAILOVER, why));
        d.bookkeeping(Decision.Bookkeeping.Kind.RECORD_FAILOVER, null, Epochs.next(n.peerId(), n.epoch()));
        return true;
    }

    /**
     * Synchronous replication while the peer follows; asynchronous only after the epoch has
     * moved on (registered with the witness when there is one), so the old replica can never
     * be promoted with writes it did not receive (SPEC §3; Patroni's synchronous_mode rule).
     */
    private void manageSync(Heartbeat p) {
        boolean partner = p != null && p.state() == NodeState.SECOND && p.epoch() == n.epoch()
                && (p.sync() == SyncStatus.UPTODATE || p.sync() == SyncStatus.NOT_UPTODATE);
        if (partner) {
            boolean wasSynchronous = synchronous;
            setReplication(true, -1, null);
            if (!wasSynchronous) {
                d.info("replication to node" + n.peerId() + " is now synchronous");
                d.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, true));
            }
            return;
        }
        if (!synchronous) {
            return;
        }
        if (partnerDownSinceMs < 0) {
            setReplication(true, now, null);
        }
        boolean follows = p != null && p.state() == NodeState.SECOND;
        if (follows && now - partnerDownSinceMs < n.cfg().peerTimeoutMs()) {
            return; // its replication may reconnect; writes wait at most the peer-lost timeout
        }
        long next = Epochs.next(n.cfg().nodeId(), n.epoch());
        if (n.cfg().witnessConfigured() && !forced && n.leaseEpoch() < next) {
            // Register the next epoch with the witness first (the lease renewal carries it).
            setReplication(true, partnerDownSinceMs, next);
            return;
        }
        d.add(new Decision.Epochs(next, next, null));
        setReplication(false, partnerDownSinceMs, null);
        d.info("replication is now asynchronous (epoch " + next + "): node" + n.peerId()
                + (p == null ? " is lost" : " does not follow"));
        d.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, false));
        d.persist();
    }

    private void setReplication(boolean sync, long downSinceMs, Long pendingLeaseEpoch) {
        synchronous = sync;
        partnerDownSinceMs = downSinceMs;
        d.add(new Decision.Replication(sync, downSinceMs, pendingLeaseEpoch));
    }
}
