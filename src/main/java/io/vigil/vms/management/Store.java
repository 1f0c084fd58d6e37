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
     * Brings the schema to the newest version; returns how many migrations ran. As a cluster
     * resource the server starts right after the node's database was promoted, on a machine that
     * may be busy with the failover: the first connection is retried for about half a minute
     * (1 s, doubling to 4 s) before the start is given up.
     */
    public int migrate() {
        MigrateResult r = Flyway.configure().dataSource(pool).locations("classpath:db/management")
                .connectRetries(MIGRATE_CONNECT_RETRIES).connectRetriesInterval(4)
                .loggers("slf4j").load().migrate();
        return r.migrationsExecuted;
    }

    public <T> T read(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none of it (also on an {@link ApiError}). */
    public <T> T write(Work<T> work) throws SQLException {
        try (Connection c = pool.getConnection()) {
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

    @Override
    public void close() {
        pool.close();
    }
}
