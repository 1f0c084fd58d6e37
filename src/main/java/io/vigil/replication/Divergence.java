package io.vigil.replication;

/**
 * What this node's database holds that the primary's does not, found before a resync (SPEC §4).
 * A split brain leaves transactions committed on the losing side only; a failback after a kill
 * usually leaves none (synchronous replication), only WAL without commits that pg_rewind may
 * overwrite.
 *
 * @param diverged the two histories part (pg_rewind has something to undo)
 * @param at       where they part (null when they do not, or when it could not be found)
 * @param commits  transactions committed here after {@code at}; {@link #UNKNOWN} when the WAL could not be read
 * @param synchronous this node was a primary with synchronous replication when it stopped: a commit
 *                 after {@code at} waited for the peer, which had already left, so no client was told
 *                 it succeeded (async commits after {@code at} would need a switch back to synchronous
 *                 mode, which needs the peer following again)
 * @param detail   how it was found, for the log
 */
record Divergence(boolean diverged, Lsn at, long commits, boolean synchronous, String detail) {

    static final long UNKNOWN = -1;

    static Divergence none(String detail) {
        return new Divergence(false, null, 0, false, detail);
    }

    /**
     * True when a rewind would throw committed data away: then the data directory is kept aside
     * instead. An unknown count counts as data: keeping a copy costs disk, losing one is final.
     */
    boolean holdsCommits() {
        return diverged && commits != 0;
    }

    /** Commits a client may have been told succeeded: they need a readable copy (SPEC §4). */
    boolean holdsAcknowledgedCommits() {
        return holdsCommits() && !synchronous;
    }

    /** "1 transaction", "3 transactions", "an unknown number of transactions". */
    String commitsText() {
        if (commits == UNKNOWN) {
            return "an unknown number of transactions";
        }
        return commits + (commits == 1 ? " transaction" : " transactions");
    }
}
