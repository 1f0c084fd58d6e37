package io.vigil.replication;

/**
 * Receives the progress of a resync as PostgreSQL's tools report it (kB resolution), so the
 * daemon can show bytes, % and ETA in status and logs (issue 3, failback). Called on the thread
 * that reads the tool's output; implementations must be quick.
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (operation, doneBytes, totalBytes) -> { };

    /**
     * @param operation  "basebackup" or "rewind"
     * @param doneBytes  bytes transferred so far
     * @param totalBytes bytes the tool expects to transfer in all (may grow during a basebackup
     *                   as the source keeps writing)
     */
    void progress(String operation, long doneBytes, long totalBytes);
}
