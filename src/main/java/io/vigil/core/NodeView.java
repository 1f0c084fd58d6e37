package io.vigil.core;

/**
 * A read-only view of one node, all that the decision functions ({@link Joiner}, {@link Takeover},
 * {@link Runner}, {@link Commands}, {@link Lifecycle}, {@link Fencing}, {@link Heartbeats},
 * {@link Compound}) may see. They answer with a {@link Decision}; only
 * {@link Node} changes its own fields.
 */
interface NodeView {
    CoreConfig cfg();

    long now();

    Mode mode();

    NodeState state();

    int peerId();

    long epoch();

    long dataEpoch();

    SyncStatus sync();

    boolean synchronous();

    long partnerDownSinceMs();

    boolean forced();

    boolean failoverEnabled();

    boolean detectionSuspended();

    ServicesPhase services();

    long servicesSinceMs();

    String lastAlarm();

    /** This daemon's incarnation, which a peer's grant must acknowledge. */
    long incarnation();

    /** The epoch this node granted the peer and the peer has not yet taken (0 if none). */
    long grantedEpoch();

    /** Why this node did not take over when it lost its peer, or null. */
    String noTakeoverCause();

    /** May a lease request go to the witness now (none pending, the retry interval passed)? */
    boolean leaseRequestDue();

    /** The peer's last heartbeat while it is live, else null. */
    Heartbeat peerLive();

    /** The peer's last heartbeat, live or not; null if never heard. */
    Heartbeat peerLast();

    /** Flapping protection: may one more automatic failover happen now? */
    boolean failoverAllowed(int peerRecentFailovers);

    int maxFailovers();

    boolean leaseValid(long marginMs);

    long leaseEpoch();

    /** The resource down past the failover delay after its local restarts, or null. */
    String resourceDueForFailover();

    String resourceDetail(String resource);

    /** Would a failure of {@code resource} now still be restarted in place (restarts left in its window)? */
    boolean resourceMayRestart(String resource);

    /** What to do once the services have stopped, or null. */
    Node.AfterStop afterStop();

    /** The epoch a hand-over in progress grants the peer once the services are down. */
    long handoverEpoch();

    /** The services are being killed (fencing), not stopped gracefully. */
    boolean stopImmediate();

    /** Why the node gave up starting the services (the STOP status text). */
    String giveUpReason();

    /** Failed starts in the window so far, the bound, and the first one's error ({@link StartGuard}). */
    int startFailures();

    int maxStartFailures();

    String firstStartError();

    boolean grantValid(long marginMs);

    /** The moment after which neither lease nor grant lets this node run (Long.MIN_VALUE if none). */
    long permittedUntil();

    /** The epoch the next lease renewal registers with the witness (0 if none was asked for). */
    long pendingLeaseEpoch();

    /** The deadline the watchdog is armed for (below 0: disarmed). */
    long watchdogDeadline();

    /** When the peer was last heard (this node's clock; below 0: never), and its silence counted since. */
    long peerLastHeardAtMs();

    long peerSilentMs();

    long nextHeartbeatAtMs();

    /** The sequence number of the last heartbeat sent. */
    long seq();

    /** This node (STANDBY) asked its peer for a swap, when, and whether without waiting for the sync. */
    boolean swapRequested();

    boolean swapWithoutSync();

    long swapRequestedAtMs();

    /** Automatic failovers this node knows of in the window, and the newest one's epoch (0 if none). */
    int recentFailovers();

    long latestFailoverEpoch();
}
