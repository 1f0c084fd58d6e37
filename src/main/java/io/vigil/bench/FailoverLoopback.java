package io.vigil.bench;

import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import io.vigil.demo.LocalCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * bench/failover-loopback: kill -9 of the PRIM node's process group, then the time until the
 * sample management server answers from the other node (and, separately, until the other node
 * decided to take over). Default timings and the fast profile, N runs each.
 */
public final class FailoverLoopback {
    private LocalCluster cluster;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Path.of(args.length > 1 ? args[1] : "bench/out/failover-loopback").toAbsolutePath();
        FailoverLoopback b = new FailoverLoopback();
        Result def = b.profile(dir.resolve("default"), 1000, 3000, runs, 47000, 46000, 28880);
        Result fast = b.profile(dir.resolve("fast"), 200, 1000, runs, 47010, 46010, 28980);
        System.out.printf(Locale.ROOT, "{\"bench\":\"failover-loopback\",\"runs\":%d,\"p50_ms\":%d,\"p95_ms\":%d,"
                        + "\"detect_p50_ms\":%d,\"fast_p50_ms\":%d,\"fast_p95_ms\":%d,\"fast_detect_p50_ms\":%d}%n",
                runs, def.p(50, def.failover), def.p(95, def.failover), def.p(50, def.detect),
                fast.p(50, fast.failover), fast.p(95, fast.failover), fast.p(50, fast.detect));
    }

    record Result(List<Long> failover, List<Long> detect) {
        long p(int pct, List<Long> xs) {
            List<Long> s = new ArrayList<>(xs);
            s.sort(Comparator.naturalOrder());
            return s.get(Math.min(s.size() - 1, (int) Math.ceil(pct / 100.0 * s.size()) - 1));
        }
    }

    private Result profile(Path dir, long hb, long timeout, int runs, int heartbeatPort, int adminPort,
                           int servicePort) throws Exception {
        LocalCluster.deleteTree(dir);
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir).withPorts(heartbeatPort, adminPort, servicePort);
        s = s.withTimings(hb, timeout).withoutEventServer().withMaxFailovers(1000);
        cluster = LocalCluster.create(s);
        List<Long> failover = new ArrayList<>();
        List<Long> detect = new ArrayList<>();
        try {
            cluster.start(1);
            cluster.start(2);
            for (int run = 0; run < runs; run++) {
                int prim = awaitPair(90_000);
                int other = 3 - prim;
                awaitServedBy(prim, 20_000);
                long t0 = System.nanoTime();
                cluster.kill(prim);
                long detected = -1;
                while (true) {
                    long now = System.nanoTime();
                    if (detected < 0 && state(other) != NodeState.SECOND) {
                        detected = now;
                    }
                    if (servedBy().equals("node" + other)) {
                        failover.add((now - t0) / 1_000_000);
                        detect.add(((detected < 0 ? now : detected) - t0) / 1_000_000);
                        break;
                    }
                    if (now - t0 > 60_000_000_000L) {
                        throw new IllegalStateException("no failover within 60 s in run " + run + "; see " + dir);
                    }
                }
                System.err.printf("%s run %d: failover %d ms (detect %d ms)%n", dir.getFileName(), run,
                        failover.get(failover.size() - 1), detect.get(detect.size() - 1));
                cluster.start(prim);
            }
        } finally {
            cluster.close();
        }
        return new Result(failover, detect);
    }

    private int awaitPair(long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            DaemonStatus a = status(1);
            DaemonStatus b = status(2);
            if (a != null && b != null) {
                if (a.node().state() == NodeState.PRIM && b.node().state() == NodeState.SECOND
                        && b.node().dataEpoch() == b.node().epoch()) {
                    return 1;
                }
                if (b.node().state() == NodeState.PRIM && a.node().state() == NodeState.SECOND
                        && a.node().dataEpoch() == a.node().epoch()) {
                    return 2;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the nodes did not form PRIM + SECOND within " + limitMs + " ms");
    }

    private void awaitServedBy(int id, long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (!servedBy().equals("node" + id)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("node" + id + " does not serve the management server");
            }
            Thread.sleep(20);
        }
    }

    private NodeState state(int id) {
        DaemonStatus s = status(id);
        return s == null ? null : s.node().state();
    }

    private DaemonStatus status(int id) {
        return cluster.statusOrNull(id);
    }

    private String servedBy() {
        return cluster.servedBy();
    }
}
