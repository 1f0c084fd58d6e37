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

    /** What an operator types for this command, as logged in the commands log ({@link Action#typed}). */
    default String describe() {
        return Action.of(this).typed();
    }
}
