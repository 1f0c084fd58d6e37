package io.vigil.replication;

import io.vigil.core.SyncStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The standby side of the sync status: its own WAL receiver plus the primary's view of it, read
 * from the peer's database as the replication user, combined by {@link SyncReporter}.
 *
 * <p>The WAL position that proves "every commit acknowledged before synchronous mode" is read
 * only after the primary has listed this standby as synchronous for {@link #SETTLE_MS}: a
 * reloaded {@code synchronous_standby_names} is visible to new sessions at once, but committing
 * backends start waiting only once PostgreSQL's checkpointer has applied it (milliseconds, in
 * practice). A commit acknowledged in that gap lies below the position read after it, so the
 * standby is not "uptodate" before it has flushed that commit too.
 */
final class StandbyMonitor {

    static final long SETTLE_MS = 1000;
    /** Not streaming this long while the peer's primary answers: the stream is broken for good. */
    static final long STALL_MS = 30_000;
    private static final long AWAIT_POLL_MS = 500;

    private final PgInstance local;
    private final PgConfig peer;
    private volatile SyncStatus last;
    private long syncSeenAtMs = -1;
    private Lsn syncSince;
    private long notStreamingSinceMs = -1;
    private boolean peerAnswers;

    StandbyMonitor(PgInstance local, PgConfig peer) {
        this.local = local;
        this.peer = peer;
    }

    synchronized void reset() {
        last = null;
        syncSeenAtMs = -1;
        syncSince = null;
        notStreamingSinceMs = -1;
    }

    SyncStatus last() {
        return last;
    }

    /** Blocks until the peer's database accepts writes (a standby follows only a primary). */
    void awaitPeerPrimary() throws InterruptedException {
        while (true) {
            PeerState p = peerState();
            if (p != null && !p.inRecovery()) {
                return;
            }
            Thread.sleep(AWAIT_POLL_MS);
        }
    }

    /** The current status, or null when it has not changed since the last call. */
    synchronized SyncStatus poll() {
        SyncReporter.StandbyView mine;
        try {
            mine = SyncReporter.StandbyView.of(local.replicationStatus());
        } catch (PgException e) {
            mine = new SyncReporter.StandbyView(false, null);
            if (!local.isRunning()) {
                local.start(); // a standby that crashed comes back by itself; the primary waits for it
            }
        }
        long now = System.nanoTime() / 1_000_000;
        PeerState p = peerState();
        peerAnswers = p != null && !p.inRecovery();
        SyncReporter.PrimaryView theirs = null;
        if (peerAnswers) {
            boolean sync = p.synchronousTo(local.config().applicationName()) && "sync".equals(p.syncState());
            if (!sync) {
                syncSeenAtMs = -1;
                syncSince = null;
            } else if (syncSeenAtMs < 0) {
                syncSeenAtMs = now;
            } else if (syncSince == null && now - syncSeenAtMs >= SETTLE_MS) {
                syncSince = p.currentLsn();
            }
            theirs = new SyncReporter.PrimaryView(sync, p.syncState(), syncSince);
        }
        notStreamingSinceMs = mine.streaming() ? -1 : notStreamingSinceMs < 0 ? now : notStreamingSinceMs;
        SyncStatus s = SyncReporter.status(mine, theirs);
        if (s == last) {
            return null;
        }
        last = s;
        return s;
    }

    /** The stream has been down for {@link #STALL_MS} although the peer's primary answers. */
    synchronized boolean stalled() {
        return peerAnswers && notStreamingSinceMs >= 0 && System.nanoTime() / 1_000_000 - notStreamingSinceMs >= STALL_MS;
    }

    private record PeerState(boolean inRecovery, String standbyNames, String syncState, Lsn currentLsn) {
        boolean synchronousTo(String applicationName) {
            return standbyNames != null && standbyNames.contains("\"" + applicationName + "\"");
        }
    }

    /** The peer's database as the replication user sees it; null when it does not answer. */
    private PeerState peerState() {
        String sql = "SELECT pg_is_in_recovery(), current_setting('synchronous_standby_names'),"
                + " (SELECT sync_state FROM pg_stat_replication WHERE application_name = ? LIMIT 1),"
                + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END";
        try (Connection c = PgSql.replication(local.config(), peer); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, local.config().applicationName());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                String lsn = rs.getString(4);
                return new PeerState(rs.getBoolean(1), rs.getString(2), rs.getString(3), lsn == null ? null : Lsn.parse(lsn));
            }
        } catch (SQLException | PgException e) {
            return null;
        }
    }
}
