package io.vigil.core;

/**
 * Operator commands (SPEC §2, §5). Each is accepted — and started — or refused with a reason
 * that says what to do instead; nothing is half-applied. A function of the node's view: it
 * returns the decision (including the reply) and changes nothing itself.
 *
 * <p>It is also the one place that says when a swap is legal: which pairs of states can swap
 * ({@link #swapPair}, which the console asks too, to grey out its menu entry) and when the
 * services may go to the peer ({@link #handOverRefusal}, which service failover and the peer's
 * swap request ask too).
 */
public final class Commands {
    private final NodeView n;
    private final Decision d = new Decision();

    private Commands(NodeView n) {
        this.n = n;
    }

    static Decision handle(NodeView n, Event.OperatorCommand c) {
        Commands commands = new Commands(n);
        String result = commands.run(c.command(), c.who());
        boolean ok = result.startsWith("ok: ");
        return commands.d.info("command '" + c.command().describe() + "' by " + c.who() + ": " + result)
                .emit(new Effect.Reply(c.id(), ok, ok ? result.substring(4) : result));
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
            d.add(new Decision.Flags(b.mode(), null, null, null, null)).persist();
            return "ok: boot behaviour is now " + b.mode().name().toLowerCase();
        } else if (cmd instanceof Command.SetFailover f) {
            d.add(new Decision.Flags(null, f.enabled(), null, null, null)).persist();
            return "ok: failover is now " + (f.enabled() ? "on" : "off");
        } else if (cmd instanceof Command.SuspendErrorDetection s) {
            d.add(new Decision.Flags(null, null, s.suspended(), null, null));
            return "ok: error detection " + (s.suspended() ? "suspended" : "resumed");
        } else if (cmd instanceof Command.Checkers k) {
            d.add(new Decision.Flags(null, null, null, k.running(), null)).emit(new Effect.SetCheckers(k.running()));
            return "ok: checkers " + (k.running() ? "started" : "stopped");
        }
        throw new IllegalStateException("unhandled command " + cmd);
    }

    private String start() {
        if (n.mode() != Mode.STOPPED) {
            return "node" + n.cfg().nodeId() + " is already started (" + n.state() + "); use restart to restart it";
        }
        d.move(Mode.JOINING, Reason.OPERATOR_START, "started by operator")
                .add(new Decision.Flags(null, null, null, null, false));
        resetStartFailures();
        return "ok: node" + n.cfg().nodeId() + " starts and joins node" + n.peerId();
    }

    private String stop(String who) {
        switch (n.mode()) {
            case STOPPED -> {
                return "ok: node" + n.cfg().nodeId() + " is already stopped";
            }
            case STARTING, RUNNING, STOPPING -> {
                d.add(new Decision.Stop(Reason.OPERATOR_STOP, "stopped by " + who, false, Node.AfterStop.STOP));
                return "ok: stopping the services on node" + n.cfg().nodeId()
                        + "; node" + n.peerId() + " takes over if it is up to date";
            }
            default -> {
                d.move(Mode.STOPPED, Reason.OPERATOR_STOP, "stopped by " + who)
                        .add(new Decision.Epochs(n.epoch(), n.dataEpoch(), 0L))
                        .emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
                return "ok: node" + n.cfg().nodeId() + " stopped";
            }
        }
    }

    private String restart(String who) {
        resetStartFailures();
        Heartbeat p = n.peerLive();
        if (n.mode() == Mode.RUNNING && p != null && handOverRefusal(n, p, false) == null) {
            // As promised below: the up-to-date peer takes over. A plain stop + rejoin would
            // hand the services straight back to this node (lower id wins a tie of equal data).
            d.add(new Decision.HandOver(Reason.OPERATOR_RESTART, "restarted by " + who));
            return "ok: restarting node" + n.cfg().nodeId() + ": its services stop, node" + n.peerId()
                    + " takes over, then this node rejoins";
        }
        if (n.mode() == Mode.RUNNING && p == null) {
            d.add(new Decision.Stop(Reason.OPERATOR_RESTART, "restarted by " + who, false,
                    Node.AfterStop.RESTART_HERE));
            return "ok: restarting the services on node" + n.cfg().nodeId() + " (node" + n.peerId()
                    + " is absent, so they restart here)";
        }
        if (n.services() != ServicesPhase.IDLE) {
            d.add(new Decision.Stop(Reason.OPERATOR_RESTART, "restarted by " + who, false, Node.AfterStop.REJOIN));
            return "ok: restarting node" + n.cfg().nodeId() + ": its services stop, node" + n.peerId()
                    + " takes over if it is up to date, then this node rejoins";
        }
        d.move(Mode.JOINING, Reason.OPERATOR_RESTART, "restarted by " + who)
                .add(new Decision.Epochs(n.epoch(), n.dataEpoch(), 0L))
                .add(new Decision.Flags(null, null, null, null, false))
                .emit(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        return "ok: node" + n.cfg().nodeId() + " restarts and joins node" + n.peerId();
    }

    private String swap(boolean withoutSync) {
        Heartbeat p = n.peerLive();
        if (p == null) {
            return "cannot swap: node" + n.peerId() + " is not reachable (this node is " + n.state()
                    + "); a swap needs both nodes, start node" + n.peerId() + " first";
        }
        if (!swapPair(n.state(), p.state())) {
            return "cannot swap while this node is " + n.state() + " and node" + n.peerId() + " is " + p.state()
                    + ": a swap needs one node PRIM and the other SECOND";
        }
        if (n.state() == NodeState.PRIM) {
            String refusal = handOverRefusal(n, p, withoutSync);
            if (refusal != null) {
                return "cannot swap: " + refusal;
            }
            d.add(new Decision.HandOver(Reason.OPERATOR_SWAP, "swap"));
            return "ok: swapping: the services stop here and start on node" + n.peerId();
        }
        // The SECOND asks; the PRIM hands over when it sees the request (Runner), after its own check.
        if (!withoutSync && n.dataEpoch() != n.epoch()) {
            return "cannot swap: this node's data is not up to date (" + n.sync().label()
                    + "); wait for the resync, or use swap --without-sync";
        }
        d.add(new Decision.SwapRequest(withoutSync, n.now()));
        return "ok: swap requested: node" + n.peerId() + " hands the services over to this node";
    }

    /**
     * Whether two nodes in these states can swap: one PRIM and the other SECOND. The node's own
     * decision (the swap command) checks the data too; the console uses this to grey out its menu entry.
     */
    public static boolean swapPair(NodeState self, NodeState peer) {
        return (self == NodeState.PRIM && peer == NodeState.SECOND)
                || (self == NodeState.SECOND && peer == NodeState.PRIM);
    }

    /**
     * Null if this node may hand its services to the live peer {@code p} now (a swap, a restart,
     * a service failover, the peer's swap request), else why not: the peer must be SECOND and, unless
     * {@code withoutSync}, hold the data of this node's epoch, up to date.
     */
    static String handOverRefusal(NodeView n, Heartbeat p, boolean withoutSync) {
        if (p.state() != NodeState.SECOND) {
            return "node" + n.peerId() + " is " + p.state() + ", not SECOND";
        }
        if (!withoutSync && !(p.dataEpoch() == n.epoch() && p.sync() == SyncStatus.UPTODATE)) {
            // Name the epoch too: "sync: uptodate" alone contradicts "not up to date" while the
            // peer has not yet confirmed the current epoch's data.
            return "node" + n.peerId() + " is not up to date (sync: " + p.sync().label() + ", data of epoch "
                    + p.dataEpoch() + ", services at epoch " + n.epoch()
                    + "): wait for the resync, or use swap --without-sync (data not yet replicated is lost)";
        }
        return null;
    }

    private String forceStart(String who) {
        if (n.services() != ServicesPhase.IDLE) {
            return "node" + n.cfg().nodeId() + " already runs the services";
        }
        Heartbeat p = n.peerLive();
        if (p != null && p.services().claimed()) {
            return "cannot force start: node" + n.peerId() + " runs the services; use swap instead";
        }
        d.add(new Decision.Flags(null, null, null, null, true));
        resetStartFailures();
        long epoch = Epochs.next(n.cfg().nodeId(), Math.max(n.epoch(), p == null ? 0 : p.epoch()));
        d.add(new Decision.Epochs(epoch, epoch, 0L))
                .alarm("FORCE_START", who + " forced node" + n.cfg().nodeId()
                        + " to run the services; data not replicated to it is lost")
                .add(new Decision.Start(Reason.FORCE_START, "forced by " + who, false));
        return "ok: node" + n.cfg().nodeId() + " is forced to run the services";
    }

    private void resetStartFailures() {
        d.bookkeeping(Decision.Bookkeeping.Kind.RESET_START_FAILURES, null, 0);
    }
}
