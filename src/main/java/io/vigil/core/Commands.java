package io.vigil.core;

/**
 * Operator commands (SPEC §2, §5). Each is accepted — and started — or refused with a reason
 * that says what to do instead; nothing is half-applied.
 */
final class Commands {
    private final Node n;

    Commands(Node n) {
        this.n = n;
    }

    void handle(Event.OperatorCommand c) {
        String result = run(c.command(), c.who());
        boolean ok = result.startsWith("ok: ");
        n.info("command '" + c.command().describe() + "' by " + c.who() + ": " + result);
        n.reply(c.id(), ok, ok ? result.substring(4) : result);
    }

    private String run(Command cmd, String who) {
        if (cmd instanceof Command.Start) {
            return start();
        } else if (cmd instanceof Command.Stop) {
            return stop(who);
        } else if (cmd instanceof Command.Restart) {
            return restart(who);
        } else if (cmd instanceof Command.Swap s) {
            return swap(s.withoutSync());
        } else if (cmd instanceof Command.ForceStart) {
            return forceStart(who);
        } else if (cmd instanceof Command.SetBoot b) {
            n.bootMode = b.mode();
            n.persist();
            return "ok: boot behaviour is now " + b.mode().name().toLowerCase();
        } else if (cmd instanceof Command.SetFailover f) {
            n.failoverEnabled = f.enabled();
            n.persist();
            return "ok: failover is now " + (f.enabled() ? "on" : "off");
        } else if (cmd instanceof Command.SuspendErrorDetection s) {
            n.detectionSuspended = s.suspended();
            return "ok: error detection " + (s.suspended() ? "suspended" : "resumed");
        } else if (cmd instanceof Command.Checkers k) {
            n.checkersRunning = k.running();
            n.emit(new Effect.SetCheckers(k.running()));
            return "ok: checkers " + (k.running() ? "started" : "stopped");
        }
        throw new IllegalStateException("unhandled command " + cmd);
    }

    private String start() {
        if (n.mode != Mode.STOPPED) {
            return "node" + n.cfg.nodeId() + " is already started (" + n.state() + "); use restart to restart it";
        }
        n.moveTo(Mode.JOINING, Reason.OPERATOR_START, "started by operator");
        n.forced = false;
        n.starts.reset();
        return "ok: node" + n.cfg.nodeId() + " starts and joins node" + n.peerId();
    }

    private String stop(String who) {
        switch (n.mode) {
            case STOPPED -> {
                return "ok: node" + n.cfg.nodeId() + " is already stopped";
            }
            case STARTING, RUNNING, STOPPING -> {
                n.stopServices(Reason.OPERATOR_STOP, "stopped by " + who, false, Node.AfterStop.STOP);
                return "ok: stopping the services on node" + n.cfg.nodeId()
                        + "; node" + n.peerId() + " takes over if it is up to date";
            }
            default -> {
                n.moveTo(Mode.STOPPED, Reason.OPERATOR_STOP, "stopped by " + who);
                n.grantedEpoch = 0;
                n.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
                return "ok: node" + n.cfg.nodeId() + " stopped";
            }
        }
    }

    private String restart(String who) {
        n.starts.reset();
        Heartbeat p = n.peer.live();
        if (n.mode == Mode.RUNNING && p != null && new Runner(n).swapRefusal(p, false) == null) {
            // As promised below: the up-to-date peer takes over. A plain stop + rejoin would
            // hand the services straight back to this node (lower id wins a tie of equal data).
            new Runner(n).handOver(Reason.OPERATOR_RESTART, "restarted by " + who);
            return "ok: restarting node" + n.cfg.nodeId() + ": its services stop, node" + n.peerId()
                    + " takes over, then this node rejoins";
        }
        if (n.mode == Mode.RUNNING && p == null) {
            n.stopServices(Reason.OPERATOR_RESTART, "restarted by " + who, false, Node.AfterStop.RESTART_HERE);
            return "ok: restarting the services on node" + n.cfg.nodeId() + " (node" + n.peerId()
                    + " is absent, so they restart here)";
        }
        if (n.services != ServicesPhase.IDLE) {
            n.stopServices(Reason.OPERATOR_RESTART, "restarted by " + who, false, Node.AfterStop.REJOIN);
            return "ok: restarting node" + n.cfg.nodeId() + ": its services stop, node" + n.peerId()
                    + " takes over if it is up to date, then this node rejoins";
        }
        n.moveTo(Mode.JOINING, Reason.OPERATOR_RESTART, "restarted by " + who);
        n.grantedEpoch = 0;
        n.forced = false;
        n.emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        return "ok: node" + n.cfg.nodeId() + " restarts and joins node" + n.peerId();
    }

    private String swap(boolean withoutSync) {
        Heartbeat p = n.peer.live();
        if (p == null) {
            return "cannot swap: node" + n.peerId() + " is not reachable (this node is " + n.state()
                    + "); a swap needs both nodes, start node" + n.peerId() + " first";
        }
        if (n.mode == Mode.RUNNING) {
            Runner runner = new Runner(n);
            String refusal = runner.swapRefusal(p, withoutSync);
            if (refusal != null) {
                return "cannot swap: " + refusal;
            }
            runner.handOver(Reason.OPERATOR_SWAP, "swap");
            return "ok: swapping: the services stop here and start on node" + n.peerId();
        }
        if (n.mode == Mode.STANDBY && p.services() == ServicesPhase.RUNNING) {
            if (!withoutSync && n.dataEpoch != n.epoch) {
                return "cannot swap: this node's data is not up to date (" + n.sync.label()
                        + "); wait for the resync, or use swap --without-sync";
            }
            n.swapRequested = true;
            n.swapWithoutSync = withoutSync;
            n.swapRequestedAtMs = n.clock.nowMs();
            return "ok: swap requested: node" + n.peerId() + " hands the services over to this node";
        }
        return "cannot swap while this node is " + n.state() + " and node" + n.peerId() + " is " + p.state()
                + ": a swap needs one node PRIM and the other SECOND";
    }

    private String forceStart(String who) {
        if (n.services != ServicesPhase.IDLE) {
            return "node" + n.cfg.nodeId() + " already runs the services";
        }
        Heartbeat p = n.peer.live();
        if (p != null && p.services().claimed()) {
            return "cannot force start: node" + n.peerId() + " runs the services; use swap instead";
        }
        n.forced = true;
        n.starts.reset();
        n.epoch = Epochs.next(n.cfg.nodeId(), Math.max(n.epoch, p == null ? 0 : p.epoch()));
        n.dataEpoch = n.epoch;
        n.grantedEpoch = 0;
        n.alarm("FORCE_START", who + " forced node" + n.cfg.nodeId()
                + " to run the services; data not replicated to it is lost");
        n.startServices(Reason.FORCE_START, "forced by " + who, false);
        return "ok: node" + n.cfg.nodeId() + " is forced to run the services";
    }
}
