package io.vigil.core;

/**
 * Decisions of a node that runs the services: split brain on heal, service failover
 * (SPEC §2 trigger (b)), swap requests from the peer, and when replication may become
 * asynchronous without risking an acknowledged write.
 */
final class Runner {
    private final Node n;

    Runner(Node n) {
        this.n = n;
    }

    void evaluate(long now) {
        Heartbeat p = n.peer.live();
        if (p != null && p.services().claimed()) {
            splitBrain(p, now);
            return;
        }
        if (n.forced && p != null && p.state() == NodeState.SECOND) {
            n.forced = false; // the peer follows again: normal rules apply
        }
        String due = n.health.dueForFailover(now);
        if (due != null) {
            serviceFailover(due, now, p);
            if (n.mode != Mode.RUNNING) {
                return;
            }
        }
        if (p != null && p.swapRequest() && p.state() == NodeState.SECOND) {
            String refusal = swapRefusal(p, p.swapWithoutSync());
            if (refusal == null) {
                n.info("node" + n.peerId() + " asked for a swap");
                handOver(Reason.SWAP_REQUESTED, "swap requested by node" + n.peerId());
                return;
            }
        }
        manageSync(p, now);
        n.blocked = false;
        if (n.mode == Mode.RUNNING) {
            n.reason = n.synchronous ? "running the services, replicating synchronously to node" + n.peerId()
                    : "running the services" + (p == null ? ", node" + n.peerId() + " absent" : "");
        }
    }

    /** Null if a swap to the live peer {@code p} is possible now, else why not. */
    String swapRefusal(Heartbeat p, boolean withoutSync) {
        if (p.state() != NodeState.SECOND) {
            return "node" + n.peerId() + " is " + p.state() + ", not SECOND";
        }
        if (!withoutSync && !(p.dataEpoch() == n.epoch && p.sync() == SyncStatus.UPTODATE)) {
            // Name the epoch too: "sync: uptodate" alone contradicts "not up to date" while the
            // peer has not yet confirmed the current epoch's data.
            return "node" + n.peerId() + " is not up to date (sync: " + p.sync().label() + ", data of epoch "
                    + p.dataEpoch() + ", services at epoch " + n.epoch
                    + "): wait for the resync, or use swap --without-sync (data not yet replicated is lost)";
        }
        return null;
    }

    /** Stops the services here, then grants the peer the next epoch. */
    void handOver(Reason code, String why) {
        n.handoverEpoch = Epochs.next(n.peerId(), n.epoch);
        n.stopServices(code, why, false, Node.AfterStop.HANDOVER);
    }

    private void splitBrain(Heartbeat p, long now) {
        long mine = n.services == ServicesPhase.RUNNING ? Math.max(1, now - n.servicesSinceMs) : 0;
        boolean keep = mine > p.servicesUpMs() || (mine == p.servicesUpMs() && n.cfg.nodeId() < p.from());
        if (n.cfg.witnessConfigured() && !n.forced) {
            // With a witness the lease decides, not seniority: a peer that claims the services
            // without the lease is about to fence itself (e.g. it was paused), so do not yield to it.
            keep = n.auth.leaseValid(now, n.cfg.fenceMarginMs());
        }
        if (keep) {
            String msg = "split brain: node" + p.from() + " also runs the services; it has run them for less time,"
                    + " so it stops and resyncs from this node (its divergent data is kept aside)";
            if (!msg.equals(n.lastAlarm)) {
                n.lastAlarm = msg;
                n.alarm("SPLIT_BRAIN", msg);
            }
            return;
        }
        n.alarm("SPLIT_BRAIN", "split brain: node" + p.from() + " has run the services longer; stopping them here."
                + " This node's divergent data (epoch " + n.dataEpoch + ") must be kept aside before the resync");
        n.dataEpoch = 0; // diverged: never preferred until resynchronised
        n.stopServices(Reason.SPLIT_BRAIN, "split brain resolved in favour of node" + p.from(), true, Node.AfterStop.REJOIN);
    }

    private void serviceFailover(String resource, long now, Heartbeat p) {
        String why = "resource " + resource + " unavailable for " + n.cfg.serviceFailoverDelayMs() / 1000
                + " s after local restarts (" + n.health.detail(resource) + ")";
        String cannot = null;
        if (!n.failoverEnabled) {
            cannot = "failover is off";
        } else if (n.detectionSuspended) {
            cannot = "error detection is suspended";
        } else if (!n.flaps.allows(now, p == null ? 0 : p.recentFailovers())) {
            cannot = "flapping protection (" + n.flaps.max() + " automatic failovers in the window)";
        } else if (p == null) {
            cannot = "node" + n.peerId() + " is absent";
        } else {
            cannot = swapRefusal(p, false);
        }
        if (cannot != null) {
            n.alarm("SERVICE_DOWN", why + "; no failover: " + cannot);
            n.health.postpone(resource, now);
            n.emit(new Effect.RestartResource(resource));
            return;
        }
        n.alarm("SERVICE_FAILOVER", why + ": handing the services over to node" + n.peerId());
        handOver(Reason.SERVICE_FAILOVER, why);
        n.flaps.record(n.handoverEpoch, now);
    }

    /**
     * Synchronous replication while the peer follows; asynchronous only after the epoch has
     * moved on (registered with the witness when there is one), so the old replica can never
     * be promoted with writes it did not receive (SPEC §3; Patroni's synchronous_mode rule).
     */
    private void manageSync(Heartbeat p, long now) {
        boolean partner = p != null && p.state() == NodeState.SECOND && p.epoch() == n.epoch
                && (p.sync() == SyncStatus.UPTODATE || p.sync() == SyncStatus.NOT_UPTODATE);
        if (partner) {
            n.partnerDownSinceMs = -1;
            if (!n.synchronous) {
                n.synchronous = true;
                n.info("replication to node" + n.peerId() + " is now synchronous");
                n.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, true));
            }
            return;
        }
        if (!n.synchronous) {
            return;
        }
        if (n.partnerDownSinceMs < 0) {
            n.partnerDownSinceMs = now;
        }
        boolean follows = p != null && p.state() == NodeState.SECOND;
        if (follows && now - n.partnerDownSinceMs < n.cfg.peerTimeoutMs()) {
            return; // its replication may reconnect; writes wait at most the peer-lost timeout
        }
        long next = Epochs.next(n.cfg.nodeId(), n.epoch);
        if (n.cfg.witnessConfigured() && !n.forced && n.auth.leaseEpoch() < next) {
            n.pendingLeaseEpoch = next;
            n.reason = "registering epoch " + next + " with the witness before replicating asynchronously";
            return;
        }
        n.epoch = next;
        n.dataEpoch = next;
        n.synchronous = false;
        n.info("replication is now asynchronous (epoch " + next + "): node" + n.peerId()
                + (p == null ? " is lost" : " does not follow"));
        n.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.PRIMARY, false));
        n.persist();
    }
}
