package io.vigil.core;

/** Operator commands on one node (SPEC §2, §5). Cluster-wide commands are sent to both nodes. */
public sealed interface Command {
    record Start() implements Command { }
    record Stop() implements Command { }
    record Restart() implements Command { }
    /** Exchange roles with the peer; {@code withoutSync} skips the up-to-date check (expert). */
    record Swap(boolean withoutSync) implements Command { }
    /** Run the services here although the data may not be up to date (expert, data loss accepted). */
    record ForceStart() implements Command { }
    record SetBoot(BootMode mode) implements Command { }
    record SetFailover(boolean enabled) implements Command { }
    /** Suspend (true) or resume (false) reacting to resource failures. */
    record SuspendErrorDetection(boolean suspended) implements Command { }
    /** Start (true) or stop (false) all checkers. */
    record Checkers(boolean running) implements Command { }

    /** The CLI word for this command, as logged in the commands log. */
    default String describe() {
        if (this instanceof Swap s) {
            return s.withoutSync() ? "swap --without-sync" : "swap";
        } else if (this instanceof SetBoot b) {
            return "boot " + b.mode().name().toLowerCase();
        } else if (this instanceof SetFailover f) {
            return "failover " + (f.enabled() ? "on" : "off");
        } else if (this instanceof SuspendErrorDetection s) {
            return "checkers " + (s.suspended() ? "suspend" : "resume");
        } else if (this instanceof Checkers c) {
            return "checkers " + (c.running() ? "start" : "stop");
        } else if (this instanceof ForceStart) {
            return "prim --force";
        }
        return getClass().getSimpleName().toLowerCase();
    }
}
