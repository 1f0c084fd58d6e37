package io.vigil.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@link ReplicationStatus} from pg_stat_replication / pg_stat_wal_receiver. */
final class PgStatus {

    private static final String POSITION = "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() "
            + "THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text";
    private static final String STANDBYS = "SELECT application_name, state, sync_state, sent_lsn::text, "
            + "write_lsn::text, flush_lsn::text, replay_lsn::text FROM pg_stat_replication ORDER BY application_name";
    private static final String RECEIVER = "SELECT status, flushed_lsn::text, pg_last_wal_replay_lsn()::text, "
            + "last_msg_receipt_time, sender_host, sender_port FROM pg_stat_wal_receiver";

    private PgStatus() {
    }

    static ReplicationStatus read(PgConfig cfg) {
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement()) {
            boolean inRecovery;
            Lsn current;
            try (ResultSet rs = st.executeQuery(POSITION)) {
                rs.next();
                inRecovery = rs.getBoolean(1);
                current = Lsn.parse(rs.getString(2));
            }
            List<ReplicationStatus.StandbyConnection> standbys = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(STANDBYS)) {
                while (rs.next()) {
                    standbys.add(new ReplicationStatus.StandbyConnection(rs.getString(1), rs.getString(2),
                            rs.getString(3), Lsn.parse(rs.getString(4)), Lsn.parse(rs.getString(5)),
                            Lsn.parse(rs.getString(6)), Lsn.parse(rs.getString(7))));
                }
            }
            Optional<ReplicationStatus.WalReceiver> receiver = Optional.empty();
            if (inRecovery) {
                try (ResultSet rs = st.executeQuery(RECEIVER)) {
                    if (rs.next()) {
                        Timestamp last = rs.getTimestamp(4);
                        receiver = Optional.of(new ReplicationStatus.WalReceiver(rs.getString(1),
                                Lsn.parse(rs.getString(2)), Lsn.parse(rs.getString(3)),
                                last == null ? null : last.toInstant(), rs.getString(5), rs.getInt(6)));
                    }
                }
            }
            return new ReplicationStatus(inRecovery, current, standbys, receiver);
        } catch (SQLException e) {
            throw PgSql.failure("reading the replication status on port " + cfg.port(), e,
                    "check the server log " + cfg.logFile());
        }
    }
}
