package io.vigil.core;

/** Where a node's protected services are. Anything but IDLE counts as "running" for safety. */
public enum ServicesPhase {
    IDLE, STARTING, RUNNING, STOPPING;

    /** Starting or running: the node claims the services. */
    public boolean claimed() {
        return this == STARTING || this == RUNNING;
    }
}
