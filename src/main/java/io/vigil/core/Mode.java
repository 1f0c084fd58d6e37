package io.vigil.core;

/**
 * The node's internal modes. Several map to the public {@link NodeState#WAIT}; the legal moves
 * between them are {@link Transitions#LEGAL}, and only {@code Node#moveTo} changes the mode.
 */
enum Mode {
    /** Created, not yet booted: the first event must be {@link Event.Boot}. Public WAIT. */
    BOOTING(NodeState.WAIT),
    /** Stopped by the operator, boot disabled, or gave up after failed starts. Public STOP. */
    STOPPED(NodeState.STOP),
    /** Looking for the peer: grant it the services, wait for its grant, or follow it. Public WAIT. */
    JOINING(NodeState.WAIT),
    /** Follows the peer that runs the services (replica). Public SECOND. */
    STANDBY(NodeState.SECOND),
    /** The peer was lost; asking the witness for the lease before taking over. Public WAIT. */
    ACQUIRING(NodeState.WAIT),
    /** The services are starting here. Public WAIT. */
    STARTING(NodeState.WAIT),
    /** The services run here. Public PRIM while the peer follows, else ALONE. */
    RUNNING(NodeState.PRIM),
    /** The services are stopping here; {@code Node.AfterStop} says what comes next. Public WAIT. */
    STOPPING(NodeState.WAIT);

    private final NodeState shown;

    Mode(NodeState shown) {
        this.shown = shown;
    }

    /** The public state of this mode; RUNNING is ALONE when the peer does not follow. */
    NodeState shown(boolean peerFollows) {
        return this == RUNNING && !peerFollows ? NodeState.ALONE : shown;
    }
}
