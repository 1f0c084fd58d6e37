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
}
