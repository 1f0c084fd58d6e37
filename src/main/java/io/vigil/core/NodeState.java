package io.vigil.core;

/**
 * The public state of one node (SPEC §1). The names never change with the node; the state does.
 */
public enum NodeState {
    /** Runs the services; data replicates from this node to the SECOND peer. */
    PRIM,
    /** Stands by with a live replica; data replicates to this node. */
    SECOND,
    /** Runs the services with no replication: the peer is absent or stopped. */
    ALONE,
    /** Stopped by the operator (or boot disabled): no services here, no redundancy from here. */
    STOP,
    /**
     * Transient: starting, joining the peer, starting or stopping the services (magenta), or
     * blocked waiting for something unavailable — the peer, fresher data, a lease (red).
     */
    WAIT;

    /** True for the states in which the node runs the protected services. */
    public boolean runsServices() {
        return this == PRIM || this == ALONE;
    }

    /**
     * Whether two nodes in these states can swap: one PRIM and the other SECOND. The node's own
     * decision ({@code Commands}) checks more (the peer's data must be up to date, unless
     * without sync); the console uses this to grey out the menu entry with the reason.
     */
    public static boolean swapPair(NodeState self, NodeState peer) {
        return (self == PRIM && peer == SECOND) || (self == SECOND && peer == PRIM);
    }
}
