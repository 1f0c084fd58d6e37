package io.vigil.it.net;

import io.vigil.daemon.Databases;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.awaitility.Awaitility.await;

/**
 * The database mode's verdict (issue 13): reads, in each node's own database, which numbered
 * changes are there and how many audit rows each has, and compares with what the client was told.
 * psql runs in the node's namespace (the database listens on the node's address only), its
 * password from a 0600 file named by PGPASSFILE, never the command line.
 */
final class ChaosDatabaseCheck {
    private static final String PSQL = "/usr/lib/postgresql/15/bin/psql";
    /**
     * chaos-N present in recording_servers, with the number of "create" audit rows naming it. One
     * join, not a subquery per row: that was quadratic (no index on audit.detail) and took over the
     * 30 s command timeout on a PRIM with 24,526 changes (bench/chaos --no-witness 30, seed 20261209).
     */
    static final String APPLIED = "SELECT substr(r.name, " + (ChaosConfigWriter.PREFIX.length() + 1)
            + ")::bigint, count(a.detail) FROM recording_servers r LEFT JOIN audit a ON a.entity = 'recording-server'"
            + " AND a.action = 'create' AND a.detail = r.name WHERE r.name LIKE '" + ChaosConfigWriter.PREFIX + "%'"
            + " GROUP BY r.name";

    private ChaosDatabaseCheck() {
    }

    static ChaosRun.Result analyse(LabCluster c, long seed, int faults, Path ackLog, long dualMs, long vipTwiceMs,
                                   boolean converged, long convergeMs, boolean witness, ChaosKeptCopies keptCopies,
                                   PrintStream log) throws IOException, InterruptedException {
        long[] failed = {0};
        List<ChaosRun.Ack> acks = ChaosRun.readAcks(ackLog, failed);
        Set<Long> acked = new TreeSet<>();
        acks.forEach(a -> acked.add(a.n()));
        List<String> problems = new ArrayList<>();
        int prim = converged ? c.pairFromStatus() : 0;
        Set<Long> notOnPrim = new TreeSet<>(acked);
        long lost;
        long lostOnSecond;
        long duplicated;
        if (prim == 0) {
            problems.add("no PRIM + SECOND at the end: the databases were not compared");
            lost = acked.size();
            lostOnSecond = acked.size();
            duplicated = 0;
        } else {
            Path pass = c.cluster.settings().dir().resolve("chaos-check.pgpass").toAbsolutePath();
            io.vigil.security.PrivateFiles.writeString(pass, passLines(c));
            Map<Long, Long> onPrim = applied(c, prim, pass);
            notOnPrim.removeAll(onPrim.keySet());
            lost = missing(acked, onPrim, "node" + prim + " (PRIM)", problems);
            duplicated = duplicated(onPrim, problems);
            // The SECOND is up to date (flushed); replaying the last commits may take a moment more.
            Map<Long, Long>[] onSecond = new Map[1];
            try {
                await("node" + (3 - prim) + "'s database has replayed every acknowledged change")
                        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> {
                            onSecond[0] = applied(c, 3 - prim, pass);
                            return onSecond[0].keySet().containsAll(acked);
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // counted below
            }
            lostOnSecond = missing(acked, onSecond[0] == null ? Map.of() : onSecond[0], "node" + (3 - prim) + " (SECOND)",
                    problems);
        }
        long[] kept = ChaosRun.keptAside(c);
        ChaosRun.KeptCheck keptCheck = keptCopies(keptCopies.read(APPLIED), notOnPrim, prim != 0, log);
        long maxGap = ChaosRun.maxUnavailableMs(acks);
        log.println("acked=" + acked.size() + " failed_attempts=" + failed[0] + " lost=" + lost + " lost_on_second="
                + lostOnSecond + " duplicated=" + duplicated + " kept_aside_copies=" + kept[0]
                + " kept_aside_transactions=" + kept[1] + " unacknowledged_kept=" + kept[2] + " node_dual_ms=" + dualMs + " vip_twice_ms=" + vipTwiceMs
                + " max_unavailable_ms=" + maxGap);
        problems.forEach(p -> log.println("PROBLEM " + p));
        return new ChaosRun.Result(seed, faults, acked.size(), failed[0], lost, dualMs, vipTwiceMs, 0, maxGap, converged,
                convergeMs, problems, new ChaosRun.DatabaseCheck(lostOnSecond, duplicated, kept[0], kept[1], kept[2], witness, keptCheck));
    }

    /**
     * The acknowledged changes missing from the final PRIM that a split brain threw away, counted in
     * the copies the losing nodes kept aside (each copy's own database, read by {@link ChaosKeptCopies}).
     */
    private static ChaosRun.KeptCheck keptCopies(List<ChaosKeptCopies.Kept> copies, Set<Long> notOnPrim, boolean compared,
                                                 PrintStream log) {
        Set<Long> found = new TreeSet<>();
        List<String> dirs = new ArrayList<>();
        for (ChaosKeptCopies.Kept k : copies) {
            TreeSet<Long> here = new TreeSet<>(k.changes());
            here.retainAll(notOnPrim);
            found.addAll(here);
            dirs.add(k.where());
            log.println("kept aside " + k.where() + ": " + (k.error() != null ? "NOT READ: " + k.error()
                    : k.changes().size() + " numbered changes, " + here.size() + " of them acknowledged and not in the final PRIM's"
                    + " database" + (here.isEmpty() ? "" : " (" + here.first() + ".." + here.last() + ")")));
        }
        // Without a final PRIM nothing is known to be thrown away: -1, not a count.
        return compared ? new ChaosRun.KeptCheck(found.size(), notOnPrim.size() - found.size(), dirs)
                : new ChaosRun.KeptCheck(-1, -1, dirs);
    }

    private static String passLines(LabCluster c) {
        String password = Databases.adminPassword(c.cluster.keys()).replace("\\", "\\\\").replace(":", "\\:");
        StringBuilder b = new StringBuilder();
        for (int id = 1; id <= 2; id++) {
            b.append(c.lab.ip("node" + id)).append(':').append(port(c, id)).append(':').append(Databases.APP_DATABASE)
                    .append(':').append(Databases.ADMIN_USER).append(':').append(password).append('\n');
        }
        return b.toString();
    }

    private static int port(LabCluster c, int id) {
        return c.cluster.settings().databasePort() + id - 1;
    }

    /** Change number -> its audit rows, in node {@code id}'s database. */
    static Map<Long, Long> applied(LabCluster c, int id, Path pass) {
        Cmd.Result r = c.lab.result("node" + id, "env", "PGPASSFILE=" + pass, "PGCONNECT_TIMEOUT=5", PSQL, "-h",
                c.lab.ip("node" + id), "-p", Integer.toString(port(c, id)), "-U", Databases.ADMIN_USER, "-d",
                Databases.APP_DATABASE, "-w", "-At", "-F", " ", "-c", APPLIED);
        r.orThrow();
        Map<Long, Long> out = new HashMap<>();
        for (String line : r.output().split("\n")) {
            String[] w = line.strip().split(" ");
            if (w.length == 2 && !w[0].isEmpty() && Character.isDigit(w[0].charAt(0))) {
                out.put(Long.parseLong(w[0]), Long.parseLong(w[1]));
            }
        }
        return out;
    }

    private static long missing(Set<Long> acked, Map<Long, Long> applied, String where, List<String> problems) {
        long n = 0;
        for (long a : acked) {
            if (!applied.containsKey(a)) {
                n++;
                if (problems.size() < 50) {
                    problems.add("change " + a + " was acknowledged but is not in " + where + "'s database");
                }
            }
        }
        return n;
    }

    private static long duplicated(Map<Long, Long> applied, List<String> problems) {
        long n = 0;
        for (Map.Entry<Long, Long> e : applied.entrySet()) {
            if (e.getValue() != 1) {
                n++;
                problems.add("change " + e.getKey() + " has " + e.getValue() + " audit rows (applied "
                        + e.getValue() + " times)");
            }
        }
        return n;
    }
}
