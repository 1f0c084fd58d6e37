package io.vigil.replication;

/**
 * How much data a resync from a given primary would move, measured without moving it
 * (SPEC §2 expert action "estimate data sync").
 *
 * @param method how the node would catch up
 * @param bytes  bytes that method would transfer (see {@link Method})
 * @param detail how the figure was obtained, or why an incremental resync is impossible
 */
public record ResyncEstimate(Method method, long bytes, String detail) {

    public enum Method {
        /**
         * The instance streams (or could stream) from the primary: {@code bytes} is the WAL it
         * still has to receive, primary position minus its own flushed position.
         */
        STREAMING,
        /**
         * pg_rewind --dry-run: {@code bytes} is what pg_rewind would copy, i.e. blocks changed on
         * the source since the divergence point, plus every non-relation file (WAL, configuration,
         * clog...). After that the standby replays the source's WAL from the divergence point.
         */
        REWIND,
        /** Incremental is impossible: {@code bytes} is the primary's whole data directory. */
        BASEBACKUP
    }
}
