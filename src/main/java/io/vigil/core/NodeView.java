package io.vigil.core;

/**
 * A read-only view of one node, all that the decision functions ({@link Joiner}, {@link Takeover},
 * {@link Runner}, {@link Commands}) may see. They answer with a {@link Decision}; only
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
}
