package io.vigil.core;

/**
 * Data synchronisation status of a node as reported by the replication layer (SPEC §1).
 * UPTODATE on a SECOND means: it holds every write the running peer has acknowledged, so it
 * may be promoted without data loss.
 */
public enum SyncStatus {
    UPTODATE, NOT_UPTODATE, CONNECTION_ERROR, NOT_CONFIGURED;

    /** The lower-case form the console and CLI show ("not uptodate"). */
    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }
}
