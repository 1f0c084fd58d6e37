package io.vigil.core;

/**
 * Why the node changed its mode: a closed set, logged as the code in
 * {@code state=A->B reason=CODE epoch=N (detail)}. The free-text detail an operator reads in
 * {@code vigil status} stays beside it; log readers and alerting match on the code.
 */
enum Reason {
    /** The daemon started (joins the cluster, or stays stopped per the boot behaviour). */
    BOOT,
    /** The live peer granted this node the services at a newer epoch. */
    GRANTED,
    /** The peer runs the services: this node follows it. */
    FOLLOW_PEER,
    /** The peer was heard again while this node was acquiring the lease: takeover abandoned. */
    PEER_HEARD,
    /** The followed peer no longer runs the services. */
    PEER_IDLE,
    /** The peer was lost: take over, ask the witness, or wait when failover is not allowed. */
    PEER_LOST,
    /** The witness granted the lease after the peer was lost: take over. */
    LEASE_ACQUIRED,
    /** The witness knows a newer epoch than this node's data: no takeover. */
    STALE_DATA,
    /** Running, and the peer (re)started following: PRIM. */
    PEER_FOLLOWS,
    /** Running, and the peer no longer follows: ALONE. */
    PEER_NOT_FOLLOWING,
    /** The services started. */
    SERVICES_STARTED,
    /** The services failed to start; the node rejoins and may be granted them again. */
    START_FAILED,
    /** The services failed to start too often: the node stops trying (StartGuard). */
    START_BLOCKED,
    /** The services stopped as planned; the node rejoins. */
    SERVICES_STOPPED,
    /** The services stopped without being asked to (e.g. killed by the watchdog). */
    SERVICES_STOPPED_UNEXPECTEDLY,
    /** The services stopped to hand them to the peer at a new epoch (swap, restart, failover). */
    HANDOVER,
    /** The peer asked for a swap and may have it. */
    SWAP_REQUESTED,
    /** A resource stayed down after its local restarts: the services move to the peer. */
    SERVICE_FAILOVER,
    /** Both nodes ran the services and this one yields. */
    SPLIT_BRAIN,
    /** No lease and no peer grant: the services stop before the peer may take over. */
    FENCED,
    /** Operator command {@code start}. */
    OPERATOR_START,
    /** Operator command {@code stop}. */
    OPERATOR_STOP,
    /** Operator command {@code restart}. */
    OPERATOR_RESTART,
    /** Operator command {@code swap}. */
    OPERATOR_SWAP,
    /** Operator command {@code prim --force}. */
    FORCE_START
}
