package io.vigil.bench;

import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import io.vigil.daemon.Databases;
import io.vigil.demo.LocalCluster;
import io.vigil.replication.PgAvailability;
import io.vigil.replication.PgConfig;
import io.vigil.replication.PgScratch;
import io.vigil.replication.PgInstance;
import io.vigil.replication.ProgressListener;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * bench/replication-overhead: pgbench TPS on the Vigil-managed PostgreSQL pair (two real
 * `vigil node` processes, node 2 an up-to-date synchronous standby) against the same two
 * PostgreSQL 15 instances set up by hand, with no Vigil process: initdb, pg_basebackup and
 * synchronous_standby_names on the primary. Both pairs run during the whole benchmark and take
 * turns, the order alternating from round to round; the result is the median of each.
 *
 * <p>Both pairs' data directories are created by {@link PgInstance} (same postgresql.conf:
 * checksums, wal_log_hints, WAL sizes), so the difference measured is what Vigil adds while
 * running: its daemons and their database monitors (each polls its instance every heartbeat
 * interval). Both standbys stream through a replication slot; the benchmark prints any server
 * setting in which the pairs differ.
 */
public final class ReplicationOverhead {

    /** Node 1's PostgreSQL port in the Vigil pair (node 2: +1); the manual pair uses +10 and +11. */
    private static final int DB_PORT = 25432;

    private final Params p;

    record Params(Path dir, int rounds, int scale, int clients, int threads, int seconds) {
    }

    private ReplicationOverhead(Params p) {
        this.p = p;
    }

    public static void main(String[] args) throws Exception {
        Params p = new Params(Path.of(args.length > 0 ? args[0] : "bench/out/replication-overhead").toAbsolutePath(),
                intArg(args, 1, 9), intArg(args, 2, 10), intArg(args, 3, 8), intArg(args, 4, 4), intArg(args, 5, 20));
        PgAvailability.require();
        for (int port : List.of(DB_PORT, DB_PORT + 1, DB_PORT + 10, DB_PORT + 11, 46100, 46101, 28780)) {
            requireFree(port);
        }
        for (int port : List.of(47100, 47101)) { // heartbeats: UDP
            requireFreeUdp(port);
        }
        System.out.println(new ReplicationOverhead(p).measure());
    }

    private String measure() throws Exception {
        LocalCluster.deleteTree(p.dir());
        LocalCluster.Settings s = LocalCluster.Settings.defaults(p.dir().resolve("vigil"))
                .withPorts(47100, 46100, 28780).withoutEventServer().withDatabase(DB_PORT);
        List<Double> vigil = new ArrayList<>();
        List<Double> manual = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.create(s); ManualPair hand = new ManualPair(PgScratch.create("bench-manual"))) {
            cluster.start(1);
            cluster.start(2);
            int prim = awaitSynchronousPair(cluster, 180_000);
            PgBench onVigil = new PgBench("127.0.0.1", DB_PORT + prim - 1, Databases.ADMIN_USER,
                    Databases.adminPassword(cluster.keys()));
            PgBench onManual = hand.start();
            onVigil.init(p.scale());
            onManual.init(p.scale());
            describe("vigil ", onVigil);
            describe("manual", onManual);
            compareSettings("primaries", onVigil, onManual);
            compareSettings("standbys", new PgBench("127.0.0.1", DB_PORT + (3 - prim) - 1, Databases.ADMIN_USER,
                    Databases.adminPassword(cluster.keys())), hand.standbyClient());
            // One unrecorded run each: the first run after the load is slower (cold caches, the
            // first writes after the load's checkpoint), whichever pair it is.
            round(onVigil);
            round(onManual);
            for (int round = 1; round <= p.rounds(); round++) {
                boolean vigilFirst = round % 2 == 1;
                for (int turn = 0; turn < 2; turn++) {
                    boolean isVigil = (turn == 0) == vigilFirst;
                    if (isVigil) {
                        requireSynchronousPair(cluster, prim);
                        vigil.add(round(onVigil));
                        requireSynchronousPair(cluster, prim);
                    } else {
                        hand.requireSynchronous();
                        manual.add(round(onManual));
                        hand.requireSynchronous();
                    }
                    System.err.printf(Locale.ROOT, "round %d %s: %.1f tps%n", round, isVigil ? "vigil " : "manual",
                            isVigil ? vigil.get(vigil.size() - 1) : manual.get(manual.size() - 1));
                }
            }
        }
        double v = median(vigil);
        double m = median(manual);
        System.err.printf(Locale.ROOT, "vigil tps %s, manual tps %s (scale %d, -c %d -j %d -T %d)%n", vigil, manual,
                p.scale(), p.clients(), p.threads(), p.seconds());
        return String.format(Locale.ROOT, "{\"bench\":\"replication-overhead\",\"vigil_tps\":%.1f,\"manual_tps\":%.1f,"
                + "\"ratio\":%.3f,\"rounds\":%d,\"scale\":%d,\"clients\":%d,\"seconds\":%d}",
                v, m, v / m, p.rounds(), p.scale(), p.clients(), p.seconds());
    }

    /** What makes the two comparable, on stderr: both must wait for their standby's flush. */
    private static void describe(String name, PgBench on) {
        System.err.printf("%s primary on port %d: synchronous_standby_names=%s synchronous_commit=%s standby=%s%n", name,
                on.port(), on.queryText("SHOW synchronous_standby_names"), on.queryText("SHOW synchronous_commit"),
                on.queryText("SELECT string_agg(application_name || ' ' || state || ' ' || sync_state, ', ')"
                        + " FROM pg_stat_replication"));
    }

    /**
     * Prints every server setting in which the two pairs differ (on stderr): the comparison is
     * only fair if nothing but what Vigil is supposed to set differs.
     */
    private static void compareSettings(String what, PgBench vigil, PgBench manual) {
        String sql = "SELECT string_agg(name || '=' || setting, E'\\n' ORDER BY name) FROM pg_settings"
                + " WHERE source NOT IN ('default', 'override') AND name NOT IN ('port', 'cluster_name',"
                + " 'data_directory', 'config_file', 'hba_file', 'ident_file', 'unix_socket_directories',"
                + " 'primary_conninfo', 'synchronous_standby_names', 'application_name')";
        List<String> v = List.of(vigil.queryText(sql).split("\n"));
        List<String> m = List.of(manual.queryText(sql).split("\n"));
        List<String> onlyVigil = v.stream().filter(x -> !m.contains(x)).toList();
        List<String> onlyManual = m.stream().filter(x -> !v.contains(x)).toList();
        System.err.printf("settings of the %s: only Vigil's %s, only the manual one's %s%n", what, onlyVigil, onlyManual);
    }

    /** A checkpoint first, so no round inherits the previous round's dirty buffers. */
    private double round(PgBench on) {
        on.execute("CHECKPOINT");
        return on.run(p.clients(), p.threads(), p.seconds());
    }

    /** Waits for PRIM + up-to-date SECOND with synchronous replication on; returns the PRIM's id. */
    private static int awaitSynchronousPair(LocalCluster cluster, long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            for (int id = 1; id <= 2; id++) {
                if (synchronousPair(cluster, id)) {
                    return id;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Vigil nodes did not form PRIM + up-to-date SECOND with synchronous"
                + " replication within " + limitMs / 1000 + " s; see the logs under " + cluster.settings().dir());
    }

    private static void requireSynchronousPair(LocalCluster cluster, int prim) {
        if (!synchronousPair(cluster, prim)) {
            throw new IllegalStateException("node" + prim + " is no longer PRIM with a synchronous, up-to-date SECOND;"
                    + " the measurement would not compare like with like. See " + cluster.settings().dir());
        }
    }

    private static boolean synchronousPair(LocalCluster cluster, int prim) {
        DaemonStatus a = cluster.statusOrNull(prim);
        DaemonStatus b = cluster.statusOrNull(3 - prim);
        return a != null && b != null && a.node().state() == NodeState.PRIM && a.node().synchronousReplication()
                && b.node().state() == NodeState.SECOND && b.node().dataEpoch() == b.node().epoch();
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static int intArg(String[] args, int i, int dflt) {
        return args.length > i ? Integer.parseInt(args[i]) : dflt;
    }

    /**
     * Binds the port as its server will (PostgreSQL, the admin channel and the sample service set
     * SO_REUSEADDR), so connections of a previous run still in TIME-WAIT do not count as "in use".
     */
    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (" + e.getMessage()
                    + "): stop what uses it (ss -ltnup 'sport = :" + port + "') and run the benchmark again");
        }
    }

    private static void requireFreeUdp(int port) {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(null)) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("UDP port " + port + " on 127.0.0.1 is in use (" + e.getMessage()
                    + "): stop what uses it (ss -lunp 'sport = :" + port + "') and run the benchmark again");
        }
    }

    /** The same two instances configured by hand: no Vigil process, no monitor. */
    private static final class ManualPair implements AutoCloseable {
        private final PgInstance primary;
        private final PgInstance standby;
        private final PgBench client;
        private final Path dir;

        /** {@code dir}: a {@link PgScratch} directory, which the postgres user can reach wherever the checkout is. */
        ManualPair(Path dir) {
            this.dir = dir;
            byte[] pw = new byte[16];
            new SecureRandom().nextBytes(pw);
            String admin = HexFormat.of().formatHex(pw);
            String repl = admin + "r";
            primary = new PgInstance(PgConfig.of(dir.resolve("node1").resolve("data"), DB_PORT + 10, "manual_node1",
                    admin, repl));
            standby = new PgInstance(PgConfig.of(dir.resolve("node2").resolve("data"), DB_PORT + 11, "manual_node2",
                    admin, repl));
            client = new PgBench("127.0.0.1", DB_PORT + 10, primary.config().adminUser(), admin);
        }

        /** initdb, copy, stream, then synchronous_standby_names by hand, as an administrator would. */
        PgBench start() throws InterruptedException {
            primary.prepareHome();
            primary.initdb();
            primary.start();
            // A slot for the standby, as an administrator following PostgreSQL's documentation
            // would make (and as Vigil keeps one): the copy then streams through it, and the two
            // pairs differ in no server setting at all.
            client.execute("SELECT pg_create_physical_replication_slot('manual_node2', true)");
            standby.prepareHome();
            standby.basebackupFrom(primary.config(), ProgressListener.NONE);
            standby.start();
            client.execute("ALTER SYSTEM SET synchronous_standby_names = '\"manual_node2\"'");
            client.execute("SELECT pg_reload_conf()");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!isSynchronous()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the hand-configured standby did not become synchronous in 60 s");
                }
                Thread.sleep(200);
            }
            return client;
        }

        PgBench standbyClient() {
            return new PgBench("127.0.0.1", DB_PORT + 11, standby.config().adminUser(), standby.config().adminPassword());
        }

        boolean isSynchronous() {
            return client.queryLong("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'manual_node2'"
                    + " AND sync_state = 'sync' AND state = 'streaming'") == 1;
        }

        void requireSynchronous() {
            if (!isSynchronous()) {
                throw new IllegalStateException("the hand-configured standby is no longer synchronous");
            }
        }

        @Override
        public void close() {
            for (PgInstance pg : List.of(standby, primary)) {
                try {
                    pg.stop(PgInstance.StopMode.IMMEDIATE);
                } catch (RuntimeException e) {
                    System.err.println("could not stop " + pg.config().dataDir() + ": " + e.getMessage());
                }
            }
            PgScratch.delete(dir);
        }
    }
}
