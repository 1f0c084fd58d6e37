package io.vigil.it;

import io.vigil.demo.LocalCluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A VMS-like client of the cluster's database: commits numbered rows, one per transaction,
 * always to whichever node is the primary (libpq-style multi-host URL, primary only), and
 * remembers which commits were acknowledged. A commit that fails or whose answer is lost is not
 * acknowledged: the test never counts it.
 */
final class DatabaseClient implements AutoCloseable {
    private final LocalCluster cluster;
    private final String password;
    private final Set<Long> acked = new ConcurrentSkipListSet<>();
    private final AtomicLong next = new AtomicLong(1);
    private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread writer;

    DatabaseClient(LocalCluster cluster, String password) {
        this.cluster = cluster;
        this.password = password;
    }

    /** Connection to node {@code id}'s database only. */
    Connection connect(int id) throws SQLException {
        return DriverManager.getConnection(url("127.0.0.1:" + port(id), "any"), props());
    }

    /** Connection to whichever node is the primary. */
    Connection connectPrimary() throws SQLException {
        return DriverManager.getConnection(url("127.0.0.1:" + port(1) + ",127.0.0.1:" + port(2), "primary"), props());
    }

    void createTable() throws SQLException {
        try (Connection c = connectPrimary(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS rows (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
        }
    }

    /** Starts committing rows in the background until {@link #close()}. */
    void startWriting() {
        writer = new Thread(this::writeLoop, "db-client");
        writer.setDaemon(true);
        writer.start();
    }

    Set<Long> acked() {
        return Set.copyOf(acked);
    }

    long ackedCount() {
        return acked.size();
    }

    /** Nanos of the newest acknowledgement. */
    long lastAckNanos() {
        return lastAckNanos.get();
    }

    /** The acknowledged rows missing from node {@code id}'s database (empty: none lost). */
    Set<Long> missingOn(int id, Set<Long> expected) throws SQLException {
        Set<Long> present = new java.util.HashSet<>();
        try (Connection c = connect(id); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM rows")) {
            while (rs.next()) {
                present.add(rs.getLong(1));
            }
        }
        Set<Long> missing = new java.util.TreeSet<>(expected);
        missing.removeAll(present);
        return missing;
    }

    long count(int id) throws SQLException {
        try (Connection c = connect(id); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM rows")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void execute(int id, String sql) throws SQLException {
        try (Connection c = connect(id); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    long queryLong(int id, String sql) throws SQLException {
        try (Connection c = connect(id); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void writeLoop() {
        while (running.get()) {
            try (Connection c = connectPrimary();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
                while (running.get()) {
                    long id = next.getAndIncrement();
                    insert.setLong(1, id);
                    insert.executeUpdate(); // autocommit: returning normally is the acknowledgement
                    acked.add(id);
                    lastAckNanos.set(System.nanoTime());
                }
            } catch (SQLException e) {
                pause(); // the primary went away: find the new one
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int port(int id) {
        return cluster.settings().databasePort() + id - 1;
    }

    private static String url(String hosts, String target) {
        return "jdbc:postgresql://" + hosts + "/postgres?targetServerType=" + target;
    }

    private Properties props() {
        Properties p = new Properties();
        p.setProperty("user", io.vigil.daemon.Databases.ADMIN_USER);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "20");
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (writer != null) {
            writer.join(30_000);
        }
    }
}
