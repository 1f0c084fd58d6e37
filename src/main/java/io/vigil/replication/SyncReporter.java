package io.vigil.replication;

import io.vigil.core.SyncStatus;

/**
 * Computes the SECOND's {@link SyncStatus} from its own view of replication and the primary's.
 * Pure logic: no I/O, so it is unit-tested without PostgreSQL.
 *
 * <p>UPTODATE is a promise the state machine relies on: a SECOND that reports it may be
 * promoted and no acknowledged commit is missing (SPEC §3, {@link SyncStatus}). Streaming alone
 * does not give that: while replication is asynchronous the primary acknowledges commits the
 * standby may not have yet. Two facts together do:
 * <ol>
 *   <li>the primary lists this standby as its synchronous standby ({@code sync_state = 'sync'}
 *   with synchronous replication on), so every commit from now on waits until this standby has
 *   flushed it; and</li>
 *   <li>this standby has flushed at least the WAL position at which synchronous mode was
 *   switched on ({@code syncSince}), so every commit acknowledged <em>before</em> the switch,
 *   whose commit record lies below that position, is on its disk too.</li>
 * </ol>
 * Flushed, not replayed: promotion replays everything flushed before it accepts writes, so
 * replay lag delays a failover but loses nothing.
 */
public final class SyncReporter {

    private SyncReporter() {
    }

    /**
     * The standby's own view (pg_stat_wal_receiver).
     *
     * @param streaming  the WAL receiver is connected and streaming
     * @param flushedLsn WAL flushed to this standby's disk (null if nothing received yet)
     */
    public record StandbyView(boolean streaming, Lsn flushedLsn) {

        public static StandbyView of(ReplicationStatus status) {
            return status.receiver()
                    .map(r -> new StandbyView(r.isStreaming(), r.flushedLsn()))
                    .orElse(new StandbyView(false, null));
        }
    }

    /**
     * The primary's view of this standby, as last reported by the primary's node.
     *
     * @param synchronous replication is synchronous to this standby (synchronous_standby_names names it)
     * @param syncState   this standby's sync_state in pg_stat_replication, null when not connected there
     * @param syncSince   WAL position returned by {@link PgInstance#configureAsPrimary} when
     *                    synchronous mode was switched on (null if unknown)
     */
    public record PrimaryView(boolean synchronous, String syncState, Lsn syncSince) {

        /** Builds the view from the primary's status for the standby named {@code applicationName}. */
        public static PrimaryView of(ReplicationStatus primary, String applicationName, boolean synchronous,
                                     Lsn syncSince) {
            String state = primary.standby(applicationName).map(ReplicationStatus.StandbyConnection::syncState)
                    .orElse(null);
            return new PrimaryView(synchronous, state, syncSince);
        }
    }

    public static SyncStatus status(StandbyView standby, PrimaryView primary) {
        if (!standby.streaming()) {
            return SyncStatus.CONNECTION_ERROR;
        }
        if (primary == null || !primary.synchronous() || !"sync".equals(primary.syncState())
                || primary.syncSince() == null) {
            return SyncStatus.NOT_UPTODATE; // commits may be acknowledged without this standby
        }
        if (standby.flushedLsn() == null || !standby.flushedLsn().isAtLeast(primary.syncSince())) {
            return SyncStatus.NOT_UPTODATE; // still catching up with commits acknowledged before the switch
        }
        return SyncStatus.UPTODATE;
    }
}
