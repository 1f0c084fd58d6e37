package io.vigil.core;

import java.util.List;

/**
 * An immutable snapshot of one node, for the console, the CLI and tests. Built by the event
 * loop after every step; readers never touch the live state machine.
 */
/* leaseRemainingMs: how long the witness lease held by this node stays valid here (-1: none). */
public record NodeStatus(
        int nodeId,
        NodeState state,
        Colour colour,
        String reason,
        long epoch,
        long dataEpoch,
        SyncStatus sync,
        ServicesPhase services,
        boolean synchronousReplication,
        boolean peerPresent,
        NodeState peerState,
        SyncStatus peerSync,
        boolean failoverEnabled,
        boolean errorDetectionSuspended,
        boolean checkersRunning,
        BootMode bootMode,
        boolean witnessConfigured,
        boolean forced,
        int recentFailovers,
        List<String> warnings,
        long leaseRemainingMs) {
}
