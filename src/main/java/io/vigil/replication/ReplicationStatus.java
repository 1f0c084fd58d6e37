package io.vigil.replication;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one instance says about replication, read in one go.
 *
 * @param inRecovery true on a standby
 * @param currentLsn on a primary, pg_current_wal_lsn(); on a standby, the last replayed position
 * @param standbys   on a primary, one row of pg_stat_replication per connected standby
 * @param receiver   on a standby, its pg_stat_wal_receiver row (empty when not connected)
 */
public record ReplicationStatus(boolean inRecovery, Lsn currentLsn, List<StandbyConnection> standbys,
                                Optional<WalReceiver> receiver) {

    public ReplicationStatus {
        standbys = List.copyOf(standbys);
    }

    /** The row for {@code applicationName}, if that standby is connected. */
    public Optional<StandbyConnection> standby(String applicationName) {
        return standbys.stream().filter(s -> s.applicationName().equals(applicationName)).findFirst();
    }

    /**
     * A standby as the primary sees it (pg_stat_replication).
     *
     * @param state     "streaming", "catchup", "startup", "backup"...
     * @param syncState "sync" when commits wait for it, else "async", "potential", "quorum"
     * @param flushLsn  position the standby has confirmed durably written (null before its first report)
     */
    public record StandbyConnection(String applicationName, String state, String syncState,
                                    Lsn sentLsn, Lsn writeLsn, Lsn flushLsn, Lsn replayLsn) {
        public boolean isSync() {
            return "sync".equals(syncState);
        }
    }

    /**
     * A standby's own view of its connection (pg_stat_wal_receiver plus the replay position).
     *
     * @param status         "streaming" when connected and receiving
     * @param flushedLsn     WAL received and flushed to this standby's disk
     * @param replayedLsn    WAL applied (visible to queries here)
     * @param lastMessageAt  when the last message from the primary arrived (null if none)
     * @param senderHost     the primary it streams from
     */
    public record WalReceiver(String status, Lsn flushedLsn, Lsn replayedLsn, Instant lastMessageAt,
                              String senderHost, int senderPort) {
        public boolean isStreaming() {
            return "streaming".equals(status);
        }
    }
}
