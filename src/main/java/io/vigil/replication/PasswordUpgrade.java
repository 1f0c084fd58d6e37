package io.vigil.replication;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * The upgrade of a database made before the key split (issue 10 item 5). Its superuser and
 * replication passwords were derived from the cluster key itself; they now derive from the
 * db-superuser key. Neither is typed by anyone, so the node changes them itself, on the running
 * primary, with the previous superuser password, which it can still compute: after that both
 * nodes use the new ones (the roles are replicated to the standby with everything else).
 */
public final class PasswordUpgrade {

    /** PostgreSQL's "invalid_password": the server refused the password (and only that). */
    private static final String INVALID_PASSWORD = "28P01";

    private PasswordUpgrade() {
    }

    /**
     * Sets the configured superuser and replication passwords when the instance still has the
     * previous ones; does nothing when it has the configured ones already (every later start).
     *
     * @param cfg      this node's running primary, with the passwords as they must be
     * @param previous the superuser password the previous version derived
     * @return true when it changed the passwords
     * @throws PgException when the instance accepts neither password, saying what to check
     */
    public static boolean adopt(PgConfig cfg, String previous) {
        if (accepted(cfg, cfg.adminPassword())) {
            return false;
        }
        if (!accepted(cfg, previous)) {
            throw PgException.of("the database at " + cfg.connectHost() + ":" + cfg.port() + " refuses the password"
                    + " of " + cfg.adminUser() + " derived from this cluster key, and the one earlier versions derived",
                    "", List.of(), "check that cluster.key is the key this database was made with (the same on both"
                            + " nodes)");
        }
        try (Connection c = PgSql.open(cfg, cfg.adminUser(), previous, "postgres")) {
            PGConnection pg = c.unwrap(PGConnection.class);
            // Hashed client-side (SCRAM), so no password appears in SQL text the server might log.
            pg.alterUserPassword(cfg.adminUser(), cfg.adminPassword().toCharArray(), "scram-sha-256");
            pg.alterUserPassword(cfg.replicationUser(), cfg.replicationPassword().toCharArray(), "scram-sha-256");
            return true;
        } catch (SQLException e) {
            throw PgSql.failure("changing the database passwords to the ones derived from the db-superuser key", e,
                    "check the server log " + cfg.logFile());
        }
    }

    private static boolean accepted(PgConfig cfg, String password) {
        Properties props = new Properties();
        props.setProperty("user", cfg.adminUser());
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "vigil");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + cfg.connectHost() + ":" + cfg.port()
                + "/postgres", props)) {
            return true;
        } catch (SQLException e) {
            if (INVALID_PASSWORD.equals(e.getSQLState())) {
                return false;
            }
            throw PgSql.failure("connecting to PostgreSQL at " + cfg.connectHost() + ":" + cfg.port() + " as "
                    + cfg.adminUser(), e, "check that the instance is running (server log " + cfg.logFile() + ")");
        }
    }
}
