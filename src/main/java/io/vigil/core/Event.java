package io.vigil.core;

/**
 * Everything that can happen to a node. The driver feeds these, one at a time, into
 * {@link Node#step(Event)}; the node answers with {@link Effect}s.
 */
public sealed interface Event {

    /** The daemon started; {@code saved} is what the node persisted last time, or null on first start. */
    record Boot(PersistedState saved) implements Event { }

    /** Time passed. The driver sends these often (every 50–100 ms); the node reads the clock. */
    record Tick() implements Event { }

    /** An authenticated, non-replayed heartbeat from the peer. */
    record HeartbeatReceived(Heartbeat heartbeat) implements Event { }

    /** All resources started in dependency order ({@code ok}), or one failed to start. */
    record ServicesStarted(boolean ok, String detail) implements Event { }

    /** All resources are stopped (idempotent: also sent when they were already stopped). */
    record ServicesStopped(String detail) implements Event { }

    /** A checker found a resource unavailable (after its own retries). */
    record ResourceFailed(String resource, String detail) implements Event { }

    /** A resource that had failed answers its checker again (or a local restart succeeded). */
    record ResourceRecovered(String resource) implements Event { }

    /** The replication layer's view of this node's data. */
    record SyncReported(SyncStatus status) implements Event { }

    /**
     * The witness answered a lease request sent at {@code requestedAtMs} (this node's clock).
     *
     * @param granted       the lease is ours for {@code durationMs} from the witness's answer
     * @param epoch         the epoch this request asked the witness to register (echoed back, so a
     *                      late answer to an older request is never credited with a newer epoch)
     * @param highestEpoch  the highest epoch any node registered with the witness
     * @param holder        current holder when refused (0 = none / unknown)
     */
    record LeaseReply(long requestedAtMs, boolean granted, long durationMs, long epoch, long highestEpoch,
                      int holder) implements Event { }

    /** The witness did not answer a lease request in time. */
    record LeaseUnreachable(long requestedAtMs) implements Event { }

    /** The fencing watchdog stopped the services because the node missed its deadline. */
    record WatchdogFired() implements Event { }

    /** An operator command (console, CLI). {@code id} comes back in the {@link Effect.Reply}. */
    record OperatorCommand(long id, Command command, String who) implements Event { }
}
