package io.vigil.core;

/**
 * Decisions on the services' lifecycle as the driver reports it: boot, services started or
 * failed to start ({@link StartGuard}), services stopped (and what comes next: stop, rejoin,
 * hand over, give up, or restart in place), the watchdog's kill, a resource failure and the
 * replication layer's sync report; and which mode's rules apply after every event ({@link #inMode}).
 * A function of the node's view: it returns the decision and changes nothing itself.
 */
final class Lifecycle {

    private Lifecycle() {
    }

    /** Before boot only the boot event counts; a command is refused so that its caller is not left waiting. */
    static Decision beforeBoot(Event event) {
        Decision d = new Decision();
        return event instanceof Event.OperatorCommand c
                ? d.emit(new Effect.Reply(c.id(), false, "the node is still booting; try again in a moment")) : d;
    }

    /** The rules of the mode the node is in, after every event. */
    static Decision inMode(NodeView n) {
        return switch (n.mode()) {
            case BOOTING -> throw new IllegalStateException("evaluated before boot");
            case STOPPED -> new Decision().status(null, true);
            case JOINING -> Joiner.joining(n);
            case STANDBY -> Joiner.standby(n);
            case ACQUIRING -> Joiner.acquiring(n);
            case RUNNING -> Runner.evaluate(n);
            case STARTING, STOPPING -> new Decision().status(null, false);
        };
    }

    static Decision boot(NodeView n, PersistedState saved) {
        Decision d = new Decision();
        if (n.mode() != Mode.BOOTING) {
            return d;
        }
        BootMode bootMode = saved == null ? BootMode.KEEP : saved.bootMode();
        long epoch = saved == null ? n.epoch() : saved.epoch();
        long dataEpoch = saved == null ? n.dataEpoch() : saved.dataEpoch();
        NodeState last = saved == null ? null : saved.lastState();
        if (saved != null) {
            d.add(new Decision.Epochs(epoch, dataEpoch, null))
                    .add(new Decision.Flags(bootMode, saved.failoverEnabled(), null, null, null));
        }
        boolean stay = bootMode == BootMode.DISABLED || (bootMode == BootMode.KEEP && last == NodeState.STOP);
        d.move(stay ? Mode.STOPPED : Mode.JOINING, Reason.BOOT, stay
                ? "boot: " + (bootMode == BootMode.DISABLED ? "start at boot is disabled" : "was stopped before restart")
                : "boot: joining the cluster");
        d.add(new Decision.HeartbeatTimer(n.now(), false));
        d.info("boot incarnation=" + Long.toHexString(n.incarnation()) + " epoch=" + epoch + " dataEpoch=" + dataEpoch
                + " bootMode=" + bootMode.name().toLowerCase() + " previousState=" + last);
        if (!n.cfg().witnessConfigured()) {
            d.emit(new Effect.Log(Effect.Log.Level.ERROR, "WARNING: no witness configured: a network split between"
                    + " the nodes will run the services on both nodes. Configure a witness (SPEC §4)."));
        }
        return d.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
    }

    static Decision started(NodeView n, boolean ok, String detail) {
        Decision d = new Decision();
        if (n.mode() != Mode.STARTING) {
            return d;
        }
        if (ok) {
            return d.add(new Decision.Services(ServicesPhase.RUNNING, n.now(), null))
                    .move(Mode.RUNNING, Reason.SERVICES_STARTED, "services running")
                    .bookkeeping(Decision.Bookkeeping.Kind.RESET_HEALTH)
                    .bookkeeping(Decision.Bookkeeping.Kind.RESET_START_FAILURES);
        }
        // The StartGuard counts this failure when the decision is applied: decide on the count and
        // the first error as they will be then.
        int failures = n.startFailures() + 1;
        String firstError = failures == 1 ? detail : n.firstStartError();
        int max = n.maxStartFailures();
        d.bookkeeping(Decision.Bookkeeping.Kind.RECORD_START_FAILURE, detail, 0);
        if (failures < max) {
            return d.alarm("START_FAILED", "services failed to start (" + failures + " of " + max + " attempts): "
                            + detail)
                    .add(new Decision.Stop(Reason.START_FAILED, "start failed: " + detail, false, Node.AfterStop.REJOIN))
                    .status("services failed to start: " + detail, null);
        }
        String cause = "the services failed to start " + max + " times on node" + n.cfg().nodeId()
                + "; first error: " + firstError;
        return d.alarm("START_BLOCKED", cause + ". This node no longer tries: fix the cause, then run `vigil start`"
                        + " on node" + n.cfg().nodeId() + " (or `vigil prim --force` if node" + n.peerId() + " is gone)")
                .bookkeeping(Decision.Bookkeeping.Kind.REMEMBER_GIVE_UP, "gave up after " + max + " failed starts: "
                        + firstError + "; fix the cause, then run `vigil start` on this node", 0)
                .add(new Decision.Stop(Reason.START_BLOCKED, "start failed: " + detail, false, Node.AfterStop.GIVE_UP));
    }

    /** The services are down (as planned, or behind the node's back): what the plan said comes next. */
    static Decision stopped(NodeView n, String detail) {
        Decision d = new Decision().add(new Decision.Services(ServicesPhase.IDLE, null, null))
                .bookkeeping(Decision.Bookkeeping.Kind.RESET_HEALTH);
        if (n.mode() == Mode.STOPPING && n.afterStop() == Node.AfterStop.RESTART_HERE && mayRestartHere(n)) {
            return restartHere(n, d);
        }
        d.add(new Decision.Replication(false, n.partnerDownSinceMs(), null));
        if (n.cfg().witnessConfigured()) {
            d.bookkeeping(Decision.Bookkeeping.Kind.DROP_LEASE).emit(new Effect.ReleaseLease());
        }
        Fencing.armWatchdog(n, -1, d);
        d.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        if (n.mode() != Mode.STOPPING) {
            // Stopped behind our back (e.g. by the watchdog): treat as a fence.
            return d.move(Mode.JOINING, Reason.SERVICES_STOPPED_UNEXPECTEDLY, "services stopped unexpectedly: " + detail);
        }
        d.add(new Decision.StopPlan(null));
        return switch (n.afterStop() == null ? Node.AfterStop.REJOIN : n.afterStop()) {
            case STOP -> d.move(Mode.STOPPED, Reason.OPERATOR_STOP, "stopped by operator");
            case GIVE_UP -> d.add(new Decision.Epochs(n.epoch(), n.dataEpoch(), 0L))
                    .move(Mode.STOPPED, Reason.START_BLOCKED, n.giveUpReason());
            case REJOIN, RESTART_HERE -> d.move(Mode.JOINING, Reason.SERVICES_STOPPED, null);
            case HANDOVER -> d.add(new Decision.Epochs(Math.max(n.epoch(), n.handoverEpoch()), n.dataEpoch(),
                            n.handoverEpoch()))
                    .move(Mode.JOINING, Reason.HANDOVER, "handing the services over to node" + n.peerId()
                            + " (epoch " + n.handoverEpoch() + ")")
                    .persist();
        };
    }

    /** Operator restart of a node running alone: only under the lease (or grant) it still holds. */
    private static boolean mayRestartHere(NodeView n) {
        long margin = n.cfg().fenceMarginMs();
        boolean permitted = n.forced() || !n.cfg().witnessConfigured() || n.leaseValid(margin) || n.grantValid(margin);
        Heartbeat p = n.peerLive();
        return permitted && !(p != null && p.services().claimed());
    }

    /**
     * Starts the services again in place. Not a failover, so the flapping protection does not
     * count it. Same epoch, so the replication mode must not change: going asynchronous here
     * would let a replica that is "up to date for this epoch" miss acknowledged writes.
     */
    private static Decision restartHere(NodeView n, Decision d) {
        return d.add(new Decision.StopPlan(null))
                .info("restarting the services in place")
                .add(new Decision.Start(Reason.OPERATOR_RESTART, "restarted by operator", n.synchronous()))
                .add(new Decision.Replication(n.synchronous(), n.partnerDownSinceMs(), null));
    }

    static Decision watchdogFired(NodeView n) {
        if (n.services() == ServicesPhase.IDLE) {
            return new Decision().info("the watchdog fired after the services had already stopped");
        }
        return new Decision()
                .alarm("FENCED", "the watchdog killed the services: this node lost both its peer and its witness lease")
                .then(stopped(n, "killed by the watchdog"));
    }

    static Decision resourceFailed(NodeView n, String resource, String detail) {
        Decision d = new Decision();
        if (n.detectionSuspended() || n.services() != ServicesPhase.RUNNING) {
            return d.debug("ignored failure of " + resource + ": " + detail
                    + (n.detectionSuspended() ? " (error detection suspended)" : ""));
        }
        boolean restart = n.resourceMayRestart(resource);
        d.add(new Decision.ResourceFailure(resource, detail));
        if (restart) {
            return d.info("resource " + resource + " failed (" + detail + "): restarting it in place")
                    .emit(new Effect.RestartResource(resource));
        }
        return d.emit(new Effect.Log(Effect.Log.Level.ERROR, "resource " + resource + " failed (" + detail
                + ") and its local restarts are used up: failover in "
                + n.cfg().serviceFailoverDelayMs() / 1000 + " s unless it recovers"));
    }

    static Decision syncReported(NodeView n, SyncStatus status) {
        Decision d = new Decision();
        return status == n.sync() ? d
                : d.info("sync status " + n.sync().label() + " -> " + status.label()).add(new Decision.Sync(status));
    }
}
