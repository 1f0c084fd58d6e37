package io.vigil.core;

/**
 * What the node asks its driver to do. Effects are data: the core never performs I/O.
 * The driver executes them in order and reports results back as {@link Event}s.
 */
public sealed interface Effect {

    /** Send this heartbeat to the peer on every heartbeat network. */
    record SendHeartbeat(Heartbeat heartbeat) implements Effect { }

    /** Start every resource in dependency order; answer with {@link Event.ServicesStarted}. */
    record StartServices(long epoch) implements Effect { }

    /**
     * Stop every resource in reverse dependency order; answer with {@link Event.ServicesStopped}.
     * {@code immediate} is fencing: kill at once, no graceful stop commands.
     */
    record StopServices(String reason, boolean immediate) implements Effect { }

    /** Restart one resource in place (local restart before failover). */
    record RestartResource(String resource) implements Effect { }

    /** Replication role: follow the peer (SECOND), be the primary, or do neither. */
    record ReplicationRole(Role role, boolean synchronous) implements Effect {
        public enum Role { PRIMARY, STANDBY, NONE }
    }

    /**
     * Ask the witness for the lease, registering {@code epoch}. {@code acquire} is false for a
     * renewal by the current holder. Answer with {@link Event.LeaseReply} or {@link Event.LeaseUnreachable}.
     */
    record RequestLease(long requestedAtMs, long epoch, boolean acquire) implements Effect { }

    /** Give the lease back (services are stopped). */
    record ReleaseLease() implements Effect { }

    /**
     * Arm the fencing watchdog: unless re-armed, it must kill the services at {@code deadlineMs}
     * (this node's clock), even if the daemon itself is paused. {@code deadlineMs} &lt; 0 disarms it.
     */
    record ArmWatchdog(long deadlineMs) implements Effect { }

    /** Run (true) or stop (false) the checkers. */
    record SetCheckers(boolean running) implements Effect { }

    /** Save this state so boot behaviour and epochs survive a restart. */
    record Persist(PersistedState state) implements Effect { }

    /** A line for the module log. */
    record Log(Level level, String message) implements Effect {
        public enum Level { ERROR, INFO, DEBUG }
    }

    /** Something an operator must look at (flapping, stale data, split brain, fencing). */
    record Alarm(String code, String message) implements Effect { }

    /** A state change to publish to the VMS event server, webhooks, syslog, SNMP. */
    record StateChanged(NodeState from, NodeState to, String reason, long epoch) implements Effect { }

    /** A failover happened on this node (it took over the services). */
    record FailoverPerformed(String reason, long detectMs) implements Effect { }

    /** Answer to an {@link Event.OperatorCommand}. */
    record Reply(long commandId, boolean accepted, String message) implements Effect { }
}
