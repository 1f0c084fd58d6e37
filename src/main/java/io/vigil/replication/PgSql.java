package io.vigil.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * JDBC connections Vigil opens itself. TCP with a password, not the unix socket with peer
 * authentication: the daemon runs as root, which has no database role.
 */
final class PgSql {

    private PgSql() {
    }

    /**
     * As the superuser, to this node's own instance: on this machine, so in plaintext (a server
     * with TLS would otherwise be asked for it by pgjdbc's default sslmode=prefer, for nothing).
     */
    static Connection admin(PgConfig cfg) {
        return open(cfg, cfg.adminUser(), cfg.adminPassword(), "postgres");
    }

    /**
     * As the replication user, from {@code self}'s node to {@code source} (the peer: it may
     * CHECKPOINT and read files, nothing more). With TLS, verify-full against the cluster CA and
     * {@code self}'s certificate as the client's (see {@link PgTlsSocketFactory}).
     */
    static Connection replication(PgConfig self, PgConfig source) {
        return open(source, source.replicationUser(), source.replicationPassword(), "postgres", self.tls());
    }

    static Connection open(PgConfig cfg, String user, String password, String db) {
        return open(cfg, user, password, db, null);
    }

    private static Connection open(PgConfig cfg, String user, String password, String db, PgTls tls) {
        String url = "jdbc:postgresql://" + cfg.connectHost() + ":" + cfg.port() + "/" + db;
        Properties props = new Properties();
        PgTlsSocketFactory.configure(props, tls);
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        // A status query must never hang the daemon's loop behind a stuck server.
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "vigil");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw failure("connecting to PostgreSQL at " + cfg.connectHost() + ":" + cfg.port() + " as " + user
                    + (tls == null ? "" : " over TLS"), e, "check that the instance is running (server log " + cfg.logFile() + ") and that the password in"
                            + " the Vigil configuration matches the database role");
        }
    }

    /** Wraps an SQL error: the driver's message and SQL state, never the connection properties. */
    static PgException failure(String what, SQLException e, String fix) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return PgException.of(what + " failed: " + e.getMessage() + state, "", List.of(), fix);
    }

    /** SQL string literal; for values Vigil itself validated, belt and braces. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
