package io.vigil.core;

/** What a node does when its daemon starts (SPEC §2 "Boot behaviour"). */
public enum BootMode {
    /** Default: come back in the state held before the restart (STOP stays STOP, otherwise rejoin). */
    KEEP,
    /** Always start and join the cluster (comes up SECOND when the peer runs the services). */
    ENABLED,
    /** Always come up STOP; the operator starts the node. */
    DISABLED
}
