package io.vigil.resource;

/** Where a resource is in its life cycle, as shown in the console's Resources view (SPEC §5). */
public enum Phase {
    /** Not running, and not expected to be. */
    STOPPED,
    /** Spawned, waiting until its checkers pass once. */
    STARTING,
    /** Ready, and no checker reports it failed. */
    RUNNING,
    /** Its process died, it did not become ready, or a checker reports it unavailable. */
    FAILED,
    /** Being stopped on purpose; failures seen now are not reported. */
    STOPPING
}
