package io.vigil.bench;

import io.vigil.replication.PgConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of one PostgreSQL instance for the benchmarks: PostgreSQL's own pgbench (run as a
 * plain TCP client, the password in PGPASSWORD of its environment only) and single SQL
 * statements over JDBC.
 */
final class PgBench {

    private static final Pattern TPS = Pattern.compile("(?m)^tps = ([0-9.]+) \\(without initial connection time\\)");

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    PgBench(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    int port() {
        return port;
    }

    /** pgbench -i: the standard tables at {@code scale} (scale 1 is about 15 MB). */
    void init(int scale) {
        pgbench(List.of("-i", "-q", "-s", Integer.toString(scale)), 3600);
    }

    /** One TPC-B-like pgbench run; returns its transactions per second. */
    double run(int clients, int threads, int seconds) {
        // -n: the tables were vacuumed by -i; vacuuming again before each round would charge
        // whichever setup runs first in a round with the other's dead rows.
        String out = pgbench(List.of("-n", "-c", Integer.toString(clients), "-j", Integer.toString(threads),
                "-T", Integer.toString(seconds)), seconds + 600L);
        return parseTps(out);
    }

    static double parseTps(String pgbenchOutput) {
        Matcher m = TPS.matcher(pgbenchOutput);
        if (!m.find()) {
            throw new IllegalStateException("no 'tps = ... (without initial connection time)' line in pgbench output:\n"
                    + pgbenchOutput);
        }
        return Double.parseDouble(m.group(1));
    }

    private String pgbench(List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of(PgConfig.DEFAULT_BIN_DIR.resolve("pgbench").toString(),
                "-h", host, "-p", Integer.toString(port), "-U", user));
        cmd.addAll(args);
        cmd.add("postgres");
        return Cmd.run(cmd, Map.of("PGPASSWORD", password), timeoutSeconds).output();
    }

    void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    String queryText(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    long queryLong(String sql) {
        String s = queryText(sql);
        return s == null ? 0 : Long.parseLong(s);
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
    }
}
