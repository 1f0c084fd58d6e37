package io.vigil.replication;

import java.time.Duration;

/**
 * Outcome of an incremental resync with pg_rewind.
 *
 * @param ok          the data directory now follows the source's timeline and may start as its standby
 * @param bytesCopied bytes pg_rewind copied (changed blocks plus WAL and other non-relation files)
 * @param sourceBytes size of the source's data directory as pg_rewind counted it (0 if unknown)
 * @param reason      when not ok, why (pg_rewind's own words), to log before a full basebackup
 */
public record RewindResult(boolean ok, long bytesCopied, long sourceBytes, Duration took, String reason) {

    static RewindResult failed(String reason, Duration took) {
        return new RewindResult(false, 0, 0, took, reason);
    }
}
