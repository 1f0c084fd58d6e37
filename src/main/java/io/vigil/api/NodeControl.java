package io.vigil.api;

import io.vigil.core.Command;

import java.util.concurrent.CompletableFuture;

/**
 * What the admin channel (and through it the CLI and the console) may do with a running node:
 * submit an operator command into its event loop, or read the latest immutable status snapshot.
 * Nothing else reaches the state machine.
 */
public interface NodeControl {

    /** Enqueues the command; completes when the state machine accepted or refused it. */
    CompletableFuture<CommandResult> submit(Command command, String who);

    /** The newest snapshot; cheap, never blocks the event loop. */
    DaemonStatus status();

    /**
     * The last {@code limit} lines (skipping the newest {@code offset}) of one of the node's logs,
     * {@link LogPage#LOGS}; the module log's short view ({@code verbose} false) holds errors only.
     */
    LogPage logs(String log, boolean verbose, int offset, int limit) throws java.io.IOException;

    /**
     * Expert action "estimate data sync" (SPEC §2): what a resync of this node from the peer
     * would move, measured without moving anything. Blocks while it measures (up to a minute
     * for a pg_rewind dry run).
     *
     * @throws IllegalStateException when it cannot be measured here, with the reason
     */
    default io.vigil.replication.ResyncEstimate estimate() {
        throw new IllegalStateException("this node cannot estimate a data sync");
    }

    /**
     * Support "dump" (SPEC §2): writes a dump folder of this node (threads, status, logs,
     * redacted configuration, state file) and deletes the oldest beyond the last three.
     *
     * @param reason why, for the dump's README and the list
     * @throws IllegalStateException when this node keeps no dumps, or writing failed, with the reason
     */
    default DumpInfo dump(String reason) {
        throw new IllegalStateException("this node keeps no dumps");
    }

    /** The dumps kept on this node, oldest first. */
    default java.util.List<DumpInfo> dumps() {
        throw new IllegalStateException("this node keeps no dumps");
    }
}
