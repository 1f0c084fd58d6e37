package io.vigil.vms.management;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The management server's database: a bounded HikariCP pool on the cluster's PostgreSQL and the
 * Flyway migrations in {@code db/management}. Reads run in auto-commit; every write runs in one
 * transaction that commits or rolls back as a whole. The pool fails fast (2 s to get a
 * connection), so while the database fails over a request gets a clear 503 instead of hanging,
 * and the pool reconnects by itself once the new primary answers.
 */
public final class Store implements AutoCloseable {

    /** Work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    static final int MIGRATE_CONNECT_RETRIES = 10;
    /**
     * The newest migration in {@code db/management} (StoreTest checks it against the files). A
     * database already at it needs no Flyway at start-up: one query instead of Flyway's scan and
     * validation, which on a cold JVM costs a second or more of a failover.
     */
    static final String NEWEST_MIGRATION = "3";
    /** Null in a store that never connects ({@link #unconnected()}). */
    private final HikariDataSource pool;

    private Store(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool; the database need not answer yet (it may still be starting on this node). */
    public static Store open(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(2_000);
        c.setValidationTimeout(1_000);
        c.setInitializationFailTimeout(-1);
        c.setPoolName("management-db");
        c.addDataSourceProperty("connectTimeout", "2");
        c.addDataSourceProperty("socketTimeout", "30");
        return new Store(new HikariDataSource(c));
    }

    /**
     * A store without a database: every read and write fails as an unreachable database does (a
     * 503 from the servers). A warm standby ({@link WarmStandby}) runs its server on it to load and
     * compile the request path before it may connect anywhere.
     */
    public static Store unconnected() {
        return new Store(null);
    }

    /**
     * Brings the schema to the newest version; returns how many migrations ran (0 without asking
     * Flyway when the schema history already ends with {@link #NEWEST_MIGRATION}). As a cluster
     * resource the server starts right after the node's database was promoted, on a machine that
     * may be busy with the failover: the first connection is retried for about half a minute
     * (1 s, doubling to 4 s) before the start is given up.
     */
    public int migrate() {
        if (current()) {
            return 0;
        }
        MigrateResult r = Flyway.configure().dataSource(pool).locations("classpath:db/management")
                .connectRetries(MIGRATE_CONNECT_RETRIES).connectRetriesInterval(4)
                .loggers("slf4j").load().migrate();
        return r.migrationsExecuted;
    }

    /**
     * True when the last migration recorded is this build's newest and succeeded. False when it
     * is not, when there is no history yet, or when the database does not answer: Flyway then
     * decides (and retries the connection) as before.
     */
    boolean current() {
        try {
            return read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT version, success FROM flyway_schema_history"
                        + " ORDER BY installed_rank DESC LIMIT 1")) {
                    return rs.next() && rs.getBoolean(2) && NEWEST_MIGRATION.equals(rs.getString(1));
                }
            });
        } catch (SQLException e) {
            return false;
        }
    }

    public <T> T read(Work<T> work) throws SQLException {
        try (Connection c = connection()) {
            return work.run(c);
        }
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none of it (also on an {@link ApiError}). */
    public <T> T write(Work<T> work) throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private Connection connection() throws SQLException {
        if (pool == null) {
            throw new SQLException("no database yet: a warm standby connects only once activated", "08001");
        }
        return pool.getConnection();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
