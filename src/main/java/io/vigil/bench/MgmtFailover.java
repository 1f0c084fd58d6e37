package io.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.api.DaemonStatus;
import io.vigil.core.NodeState;
import io.vigil.core.SyncStatus;
import io.vigil.demo.LocalCluster;
import io.vigil.vms.management.ManagementApi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * bench/mgmt-failover (issue 13): two nodes on loopback running the reference VMS on their
 * replicated PostgreSQL. Each run writes a configuration object through the cluster address,
 * kill -9s the PRIM (its whole process group and its PostgreSQL), then times until an
 * authenticated read through the cluster address returns that object, answered by the other
 * node's management server from its own (promoted) database. The session is the one logged in
 * before the first kill: sessions live in the replicated database. Each kill waits until the
 * SECOND's warm standbys finished warming up. Default timings and the fast profile, N runs each.
 */
public final class MgmtFailover {
    /** A failover or a rejoin on a busy 2-core machine (three JVMs start, pg_rewind runs) can take minutes. */
    private static final long RUN_LIMIT_MS = 600_000;
    private LocalCluster cluster;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Path.of(args.length > 1 ? args[1] : "bench/out/mgmt-failover").toAbsolutePath();
        String which = args.length > 2 ? args[2] : "both";
        if (!List.of("both", "default", "fast").contains(which)) {
            throw new IllegalArgumentException("profile '" + which + "': say both, default or fast");
        }
        MgmtFailover b = new MgmtFailover();
        List<Long> def = which.equals("fast") ? List.of()
                : b.profile(dir.resolve("default"), 1000, 3000, runs, 47100, 46100, 28780, 25432);
        List<Long> fast = which.equals("default") ? List.of()
                : b.profile(dir.resolve("fast"), 200, 1000, runs, 47110, 46110, 28880, 25442);
        System.out.printf(Locale.ROOT, "{\"bench\":\"mgmt-failover\",\"runs\":%d,\"address\":\"loopback\","
                        + "\"p50_ms\":%d,\"p95_ms\":%d,\"max_ms\":%d,\"fast_p50_ms\":%d,\"fast_p95_ms\":%d,"
                        + "\"fast_max_ms\":%d,\"target_p50_ms\":4000,\"target_fast_p50_ms\":2000,\"load_avg\":%.1f,"
                        + "\"cores\":%d}%n",
                runs, p(50, def), p(95, def), p(100, def), p(50, fast), p(95, fast), p(100, fast),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** The pct-th percentile (nearest rank); -1 for a profile that did not run. */
    static long p(int pct, List<Long> xs) {
        if (xs.isEmpty()) {
            return -1;
        }
        List<Long> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        return s.get(Math.max(0, Math.min(s.size() - 1, (int) Math.ceil(pct / 100.0 * s.size()) - 1)));
    }

    private List<Long> profile(Path dir, long hb, long timeout, int runs, int heartbeatPort, int adminPort,
                               int servicePort, int databasePort) throws Exception {
        LocalCluster.deleteTree(dir);
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir).withPorts(heartbeatPort, adminPort, servicePort)
                .withTimings(hb, timeout).withMaxFailovers(1000).withDatabase(databasePort).withVms();
        cluster = LocalCluster.create(s);
        List<Long> times = new ArrayList<>();
        try {
            cluster.start(1);
            cluster.start(2);
            int prim = awaitPair();
            ManagementApi api = awaitLogin();
            for (int run = 0; run < runs; run++) {
                prim = awaitPair();
                awaitServedBy(prim);
                int other = 3 - prim;
                awaitWarmStandbys(other);
                String name = "bench-" + run;
                ManagementApi.expect(api.putService(name, "10.0.0." + (run + 1), 7563), 200, "PUT /api/services/" + name);
                long t0 = System.nanoTime();
                cluster.kill(prim);
                long ms = awaitRead(api, name, t0, run);
                String by = api.servedBy();
                if (!by.equals("node" + other)) {
                    throw new IllegalStateException("run " + run + ": the read was answered by " + by + ", not node" + other);
                }
                times.add(ms);
                System.err.printf(Locale.ROOT, "%s run %d: configuration read from node%d %d ms after the kill%n",
                        dir.getFileName(), run, other, ms);
                cluster.start(prim);
            }
        } finally {
            cluster.close();
        }
        return times;
    }

    /** Polls the read through the cluster address until it returns the object; the time since {@code t0}. */
    private static long awaitRead(ManagementApi api, String name, long t0, int run) throws InterruptedException {
        while (true) {
            try {
                JsonNode s = api.service(name);
                if (s != null) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                throw new IllegalStateException("run " + run + ": the new PRIM's database lacks " + name
                        + ", acknowledged before the kill");
            } catch (IOException e) {
                // not served yet (connection refused, or 503 while the database is promoted)
            }
            if ((System.nanoTime() - t0) / 1_000_000 > RUN_LIMIT_MS) {
                throw new IllegalStateException("run " + run + ": no answer within " + RUN_LIMIT_MS + " ms");
            }
            Thread.sleep(10);
        }
    }

    private ManagementApi awaitLogin() throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + RUN_LIMIT_MS;
        while (true) {
            try {
                return cluster.management();
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    private int awaitPair() throws InterruptedException {
        long deadline = System.currentTimeMillis() + RUN_LIMIT_MS;
        while (System.currentTimeMillis() < deadline) {
            DaemonStatus a = cluster.statusOrNull(1);
            DaemonStatus b = cluster.statusOrNull(2);
            if (a != null && b != null) {
                if (a.node().state() == NodeState.PRIM && b.node().state() == NodeState.SECOND
                        && b.node().dataEpoch() == b.node().epoch() && b.node().sync() == SyncStatus.UPTODATE) {
                    return 1;
                }
                if (b.node().state() == NodeState.PRIM && a.node().state() == NodeState.SECOND
                        && a.node().dataEpoch() == a.node().epoch() && a.node().sync() == SyncStatus.UPTODATE) {
                    return 2;
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the nodes did not form PRIM + up-to-date SECOND within " + RUN_LIMIT_MS + " ms");
    }

    /**
     * The SECOND's warm standbys (issue 13) have finished warming up: as many "warm-up finished"
     * lines in its application log as standbys it started. A site's SECOND is in that state
     * minutes after a rejoin; on a loaded machine the warm-up takes a minute.
     */
    private void awaitWarmStandbys(int id) throws IOException, InterruptedException {
        Path log = cluster.dataDir(id).resolve("log").resolve("application.log");
        long deadline = System.currentTimeMillis() + RUN_LIMIT_MS;
        while (System.currentTimeMillis() < deadline) {
            List<String> lines = java.nio.file.Files.exists(log) ? java.nio.file.Files.readAllLines(log) : List.of();
            long started = lines.stream().filter(l -> l.contains("] warm standby of ") && l.contains(" started, pid ")).count();
            long ready = lines.stream().filter(l -> l.contains(": " + io.vigil.vms.management.WarmStandby.READY + " in ")).count();
            if (started > 0 && ready >= started) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("node" + id + "'s warm standbys did not finish warming up within " + RUN_LIMIT_MS + " ms");
    }

    private void awaitServedBy(int id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RUN_LIMIT_MS;
        while (!cluster.servedBy().equals("node" + id)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("node" + id + " does not serve the management server");
            }
            Thread.sleep(50);
        }
    }
}
