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

    /** As the superuser, to this node's own instance. */
    static Connection admin(PgConfig cfg) {
        return open(cfg, cfg.adminUser(), cfg.adminPassword(), "postgres");
    }

    /** As the replication user, to the peer (it may CHECKPOINT and read files, nothing more). */
    static Connection replication(PgConfig source) {
        return open(source, source.replicationUser(), source.replicationPassword(), "postgres");
    }

    static Connection open(PgConfig cfg, String user, String password, String db) {
        String url = "jdbc:postgresql://" + cfg.connectHost() + ":" + cfg.port() + "/" + db;
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        // A status query must never hang the daemon's loop behind a stuck server.
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "vigil");
        try {
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw failure("connecting to PostgreSQL at " + cfg.connectHost() + ":" + cfg.port() + " as " + user, e,
                    "check that the instance is running (server log " + cfg.logFile() + ") and that the password in"
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
