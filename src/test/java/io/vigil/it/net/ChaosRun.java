package io.vigil.it.net;

import io.vigil.demo.LocalCluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The Jepsen-style chaos run of issue 4 (bench/chaos, and ChaosTest's short version): real nodes,
 * a real witness and a client in network namespaces; the client writes numbered records through the
 * VIP while {@link ChaosNemesis} applies seeded random faults one after the other, each healed
 * after a while. Then every fault is healed and the cluster must be back to PRIM + SECOND within
 * 60 s.
 *
 * <p>Two modes. {@link Mode#DATABASE} (the default, issue 13): the resources are the reference VMS's
 * management server on each node's replicated PostgreSQL, the client sends numbered configuration
 * changes ({@link ChaosConfigWriter}), and the nemesis also kills PostgreSQL alone and fills the
 * SECOND's database disk (each node's database lives on a tmpfs of {@link #DATABASE_DISK_MB} MB).
 * At the end every acknowledged change must be in the final PRIM's database and, once it is up to
 * date, in the SECOND's; none applied twice (its audit rows counted per number); data a node had
 * to give up is counted from the DIVERGENT_DATA_KEPT alarms. {@link Mode#RECORDS} is issue 4's run
 * on the sample service, described below. Without a witness (allowed, warned about) a cut link
 * makes a split brain, and the run reports what it threw away and kept aside.
 *
 * <p>What is measured in records mode, honestly for a service whose data is per node (nothing
 * replicates the sample service's file):
 * <ul>
 *   <li>lost: records acknowledged by a node that are not in that node's own file afterwards;</li>
 *   <li>dual_primary_ms: sampled every 50 ms, time during which both nodes ran the management server
 *       (from the processes, not from what the nodes say); vip_twice_ms: the same for the VIP being
 *       on both nodes' interfaces;</li>
 *   <li>client_dual_ms: as the client saw it, time in which records were stored by one node, then the
 *       other, then the first again ({@link #clientOverlapMs});</li>
 *   <li>max_unavailable_ms: the longest time without any acknowledged write.</li>
 * </ul>
 */
final class ChaosRun {
    static final long CONVERGE_MS = 60_000;
    /**
     * Database mode: a failover also promotes a database and starts a JVM that connects a pool and
     * checks its schema, and a rejoin may copy the whole database; measured, converge_ms says how long.
     */
    static final long CONVERGE_DATABASE_MS = 180_000;
    private static final long SAMPLE_MS = 50;
    static final long INTERLEAVE_MS = 1000;
    /** Each node's database file system: the data, up to {@code KEEP_ASIDE} kept copies, a copy in progress. */
    static final int DATABASE_DISK_MB = 1200;
    private static final int DATABASE_PORT = 15432;
    /** DIVERGENT_DATA_KEPT alarms: a split brain's data directory kept whole, or a dead primary's unacknowledged WAL. */
    private static final Pattern KEPT = Pattern.compile("ALARM DIVERGENT_DATA_KEPT: (split brain: |this node's database holds )"
            + "(\\d+|an unknown number of) transactions?");

    enum Mode {
        RECORDS, DATABASE;

        /** "records" or "database" (the bench script's --mode). */
        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown chaos mode '" + text + "': use records or database");
        }
    }

    /** What the database mode finds in the databases after the run. */
    record DatabaseCheck(long lostOnSecond, long duplicated, long keptAsideCopies, long keptAsideTransactions,
                         long unacknowledgedKept, boolean witness, KeptCheck kept) {
    }

    /**
     * Acknowledged changes missing from the final PRIM: {@code found} of them are in a copy a node
     * kept aside after a split brain ({@code dirs}, node:path), {@code nowhere} in none; both -1
     * when the run ended without a PRIM to compare with.
     */
    record KeptCheck(long found, long nowhere, List<String> dirs) {
        String json() {
            return String.format(Locale.ROOT, "\"thrown_away_kept\":%d,\"lost_not_kept\":%d,\"kept_aside_dirs\":[%s]",
                    found, nowhere, String.join(",", dirs.stream().map(d -> "\"" + d + "\"").toList()));
        }
    }

    /** Fault pacing: each fault is held {@code hold*} ms, then the next comes {@code gap*} ms after the heal. */
    record Pacing(long holdMinMs, long holdMaxMs, long gapMinMs, long gapMaxMs) {
    }

    record Result(long seed, int faults, long acked, long failed, long lost, long dualPrimaryMs, long vipTwiceMs,
                  long clientDualMs, long maxUnavailableMs, boolean converged, long convergeMs, List<String> problems,
                  DatabaseCheck db) {
        String json() {
            if (db != null) {
                return String.format(Locale.ROOT, "{\"bench\":\"chaos\",\"mode\":\"database\",\"witness\":%b,"
                                + "\"seed\":%d,\"faults\":%d,\"acked\":%d,\"lost\":%d,\"lost_on_second\":%d,"
                                + "\"duplicated\":%d,\"kept_aside_copies\":%d,\"kept_aside_transactions\":%d,\"unacknowledged_kept\":%d,%s,"
                                + "\"dual_primary_ms\":%d,\"vip_twice_ms\":%d,\"max_unavailable_ms\":%d,"
                                + "\"converged\":%b,\"converge_ms\":%d}", db.witness(), seed, faults, acked, lost,
                        db.lostOnSecond(), db.duplicated(), db.keptAsideCopies(), db.keptAsideTransactions(), db.unacknowledgedKept(),
                        db.kept().json(),
                        dualPrimaryMs, vipTwiceMs, maxUnavailableMs, converged, convergeMs);
            }
            return String.format(Locale.ROOT, "{\"bench\":\"chaos\",\"seed\":%d,\"faults\":%d,\"acked\":%d,\"lost\":%d,"
                            + "\"dual_primary_ms\":%d,\"vip_twice_ms\":%d,\"client_dual_ms\":%d,\"max_unavailable_ms\":%d,"
                            + "\"converged\":%b,\"converge_ms\":%d}", seed, faults, acked, lost, dualPrimaryMs, vipTwiceMs,
                    clientDualMs, maxUnavailableMs, converged, convergeMs);
        }
    }

    record Ack(long n, String node, long storedAtMs, long startMs, long endMs) {
    }

    private ChaosRun() {
    }

    /** Issue 4's run: records mode, with a witness. */
    static Result run(String name, long seed, int faults, Pacing pacing, PrintStream log) throws Exception {
        return run(name, seed, faults, pacing, Mode.RECORDS, true, log);
    }

    static Result run(String name, long seed, int faults, Pacing pacing, Mode mode, boolean witness, PrintStream log)
            throws Exception {
        return run(name, seed, faults, mode, witness,
                (c, out) -> nemesis(c, seed, faults, pacing, mode == Mode.DATABASE, out), log);
    }

    /** What happens to the cluster while the client writes: the nemesis, or another bench's procedure. */
    @FunctionalInterface
    interface Scenario {
        void run(LabCluster c, PrintStream log) throws Exception;
    }

    /**
     * The same run with {@code scenario} in the nemesis's place (bench/rolling-upgrade: the upgrade
     * procedure); {@code seed} and {@code faults} only label the result.
     */
    static Result run(String name, long seed, int faults, Mode mode, boolean witness, Scenario scenario,
                      PrintStream log) throws Exception {
        boolean database = mode == Mode.DATABASE;
        NetLab lab = NetLab.create("vgx", "witness", "node1", "node2", "client");
        LabCluster cluster;
        try {
            cluster = LabCluster.create(lab, name, dir -> settings(dir, database, witness), p -> p);
            allowStartFailures(cluster);
            if (database) {
                cluster.limitDatabaseDisk(1, DATABASE_DISK_MB);
                cluster.limitDatabaseDisk(2, DATABASE_DISK_MB);
            }
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        try (LabCluster c = cluster) {
            if (witness) {
                c.cluster.startWitness();
            }
            c.cluster.start(1);
            c.cluster.start(2);
            // A database cluster first runs initdb, copies it, migrates the VMS schema: minutes on a loaded machine.
            await("PRIM + SECOND").atMost(Duration.ofSeconds(database ? 300 : 60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> c.pairFromStatus() != 0);
            Path dir = NetLab.logDir(name).toAbsolutePath();
            Path acks = dir.resolve("client-acks.log");
            Path stop = dir.resolve("client.stop");
            Files.deleteIfExists(stop);
            AtomicLong dualSamples = new AtomicLong();
            AtomicLong vipSamples = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                if (c.runs(1) && c.runs(2)) {
                    dualSamples.incrementAndGet();
                    log.println("DUAL: both nodes run the management server at " + System.nanoTime() / 1_000_000 + " ms");
                }
                if (c.holdsVip(1) && c.holdsVip(2)) {
                    vipSamples.incrementAndGet();
                    log.println("DUAL: both nodes hold the VIP at " + System.nanoTime() / 1_000_000 + " ms");
                }
            }, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    ChaosClient.class.getName(), "http://" + c.vip + ":" + c.cluster.settings().servicePort(), "2",
                    acks.toString(), stop.toString()));
            if (database) {
                command.add(c.cluster.vmsAdminPasswordFile().toString());
            }
            Process client = lab.exec("client", command, dir.resolve("client.out"));
            ChaosKeptCopies keptCopies = database ? ChaosKeptCopies.watch(c) : null;
            try {
                await("the client's first acknowledged record").atMost(Duration.ofSeconds(60))
                        .until(() -> Files.exists(acks) && Files.readString(acks).contains("ack "));
                scenario.run(c, log);
                long lastHeal = System.nanoTime();
                healEverything(c);
                boolean converged = converge(c, lastHeal, database ? CONVERGE_DATABASE_MS : CONVERGE_MS);
                long convergeMs = (System.nanoTime() - lastHeal) / 1_000_000;
                log.println("converged=" + converged + " " + convergeMs + " ms after the last heal");
                Files.writeString(stop, "stop\n");
                client.waitFor(10, TimeUnit.SECONDS);
                sampler.shutdownNow();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
                if (database) {
                    return ChaosDatabaseCheck.analyse(c, seed, faults, acks, dualSamples.get() * SAMPLE_MS,
                            vipSamples.get() * SAMPLE_MS, converged, convergeMs, witness, keptCopies, log);
                }
                return analyse(c, seed, faults, acks, dualSamples.get() * SAMPLE_MS, vipSamples.get() * SAMPLE_MS,
                        converged, convergeMs, log);
            } finally {
                sampler.shutdownNow();
                if (keptCopies != null) {
                    keptCopies.close();
                }
                Files.writeString(stop, "stop\n");
                lab.killGroup(client, "KILL");
            }
        }
    }

    private static LocalCluster.Settings settings(Path dir, boolean database, boolean witness) {
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir).withMaxFailovers(100_000);
        if (witness) {
            s = s.withWitness(4850);
        }
        // Only the management server: the configuration is what the run checks; fewer processes per node.
        return database ? s.withDatabase(DATABASE_PORT).withVms().withoutEventServer() : s;
    }

    /**
     * Like flapping protection ({@code maxFailovers}), issue 16's bound on failed starts would end
     * the run: the nemesis's transient faults (a kill -9 of a starting management server, a disk
     * full for 2 s) fail starts, and a node that fails 3 gives up until an operator starts it, so the
     * cluster stops converging (both 100-fault runs of 2026-12-07). The run measures data safety, so
     * the bound is lifted in both nodes' configuration.
     */
    private static void allowStartFailures(LabCluster c) throws IOException {
        for (int id = 1; id <= 2; id++) {
            Path yaml = c.cluster.config(id);
            String text = Files.readString(yaml);
            String with = text.replaceFirst("\n  maxFailovers: (\\d+)\n", "\n  maxFailovers: $1\n  maxStartFailures: 100000\n");
            if (with.equals(text)) {
                throw new IllegalStateException("no failover.maxFailovers line in " + yaml + " to add maxStartFailures to");
            }
            Files.writeString(yaml, with);
        }
    }

    /**
     * The DIVERGENT_DATA_KEPT alarms in both nodes' module logs: {data directories kept whole, the
     * transactions they held, transactions of dead synchronous primaries kept as WAL} (an unknown
     * count adds 0 transactions).
     */
    static long[] keptAside(LabCluster c) throws IOException {
        long[] kept = new long[3];
        for (int id = 1; id <= 2; id++) {
            Matcher m = KEPT.matcher(c.moduleLog(id));
            while (m.find()) {
                long n = m.group(2).startsWith("an") ? 0 : Long.parseLong(m.group(2));
                if (m.group(1).startsWith("split")) {
                    kept[0]++;
                    kept[1] += n;
                } else {
                    kept[2] += n;
                }
            }
        }
        return kept;
    }

    private static void nemesis(LabCluster c, long seed, int faults, Pacing p, boolean database, PrintStream log)
            throws Exception {
        ChaosNemesis nemesis = new ChaosNemesis(c, seed, database);
        for (int i = 1; i <= faults; i++) {
            long hold = nemesis.between(p.holdMinMs(), p.holdMaxMs());
            long gap = nemesis.between(p.gapMinMs(), p.gapMaxMs());
            ChaosNemesis.Fault f = nemesis.next();
            log.println(String.format(Locale.ROOT, "fault %d/%d at %d ms: %s for %d ms", i, faults,
                    System.nanoTime() / 1_000_000, f.describe(), hold));
            Thread.sleep(hold); // the nemesis's schedule: the fault lasts this long
            f.heal();
            Thread.sleep(gap);
        }
    }

    private static void healEverything(LabCluster c) throws Exception {
        c.lab.healAll();
        for (int id = 1; id <= 2; id++) {
            c.cluster.pauseDaemon(id, false);
            c.cluster.start(id); // no-op when running
        }
    }

    private static boolean converge(LabCluster c, long lastHealNanos, long withinMs) {
        long left = withinMs - (System.nanoTime() - lastHealNanos) / 1_000_000;
        try {
            await("PRIM + SECOND").atMost(Duration.ofMillis(Math.max(left, 1))).pollInterval(Duration.ofMillis(500))
                    .until(() -> c.pairFromStatus() != 0);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** The client's acknowledgement log: {acks, failed attempts}. */
    static List<Ack> readAcks(Path ackLog, long[] failed) throws IOException {
        List<Ack> acks = new ArrayList<>();
        for (String line : Files.readAllLines(ackLog)) {
            String[] w = line.split(" ");
            if (w[0].equals("ack")) {
                acks.add(new Ack(Long.parseLong(w[1]), w[2], Long.parseLong(w[3]), Long.parseLong(w[4]),
                        Long.parseLong(w[5])));
            } else if (w[0].equals("fail")) {
                failed[0]++;
            }
        }
        return acks;
    }

    private static Result analyse(LabCluster c, long seed, int faults, Path ackLog, long dualMs, long vipTwiceMs,
                                  boolean converged, long convergeMs, PrintStream log) throws IOException {
        List<Ack> acks = new ArrayList<>();
        long failed = 0;
        for (String line : Files.readAllLines(ackLog)) {
            String[] w = line.split(" ");
            if (w[0].equals("ack")) {
                acks.add(new Ack(Long.parseLong(w[1]), w[2], Long.parseLong(w[3]), Long.parseLong(w[4]),
                        Long.parseLong(w[5])));
            } else if (w[0].equals("fail")) {
                failed++;
            }
        }
        List<String> problems = new ArrayList<>();
        long lost = 0;
        for (int id = 1; id <= 2; id++) {
            Set<Long> stored = stored(c.cluster.records(id));
            for (Ack a : acks) {
                if (a.node().equals("node" + id) && !stored.contains(a.n())) {
                    lost++;
                    problems.add("record " + a.n() + " acknowledged by node" + id + " is not in its file");
                }
            }
        }
        long clientDual = clientOverlapMs(acks, problems);
        long maxGap = maxUnavailableMs(acks);
        log.println("acked=" + acks.size() + " failed_attempts=" + failed + " lost=" + lost + " node_dual_ms=" + dualMs
                + " vip_twice_ms=" + vipTwiceMs + " client_dual_ms=" + clientDual + " max_unavailable_ms=" + maxGap);
        problems.forEach(p -> log.println("PROBLEM " + p));
        return new Result(seed, faults, acks.size(), failed, lost, dualMs, vipTwiceMs, clientDual, maxGap, converged,
                convergeMs, problems, null);
    }

    private static Set<Long> stored(Path file) throws IOException {
        Set<Long> out = new HashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(Long.parseLong(line.strip()));
                }
            }
        }
        return out;
    }

    /**
     * Client-side view of two servers: in the order the records were stored (each node stamps the
     * machine's monotonic clock), node A, then B, then A again within {@link #INTERLEAVE_MS}. No real
     * failover and failback fits in that time (the peer-lost timeout alone is 3 s), so such an
     * interleaving means both nodes were answering the VIP. Returns the time from B's first answer to
     * A's return, summed. Request send/receive times are not used: an answer stored just before a
     * link goes down reaches the client only after TCP retransmits it, seconds later.
     */
    static long clientOverlapMs(List<Ack> acks, List<String> problems) {
        List<Ack> sorted = new ArrayList<>(acks);
        sorted.sort((a, b) -> Long.compare(a.storedAtMs(), b.storedAtMs()));
        long total = 0;
        for (int i = 1; i < sorted.size(); i++) {
            Ack before = sorted.get(i - 1);
            Ack other = sorted.get(i);
            if (before.node().equals(other.node())) {
                continue;
            }
            for (int k = i + 1; k < sorted.size()
                    && sorted.get(k).storedAtMs() - before.storedAtMs() < INTERLEAVE_MS; k++) {
                if (sorted.get(k).node().equals(before.node())) {
                    long ms = Math.max(1, sorted.get(k).storedAtMs() - other.storedAtMs());
                    total += ms;
                    problems.add("records stored by " + before.node() + " (" + before.n() + "), " + other.node()
                            + " (" + other.n() + ") and " + before.node() + " again (" + sorted.get(k).n()
                            + ") within " + (sorted.get(k).storedAtMs() - before.storedAtMs()) + " ms");
                    break;
                }
            }
        }
        return total;
    }

    /** Longest stretch without an acknowledged write, from the first acknowledgement to the last. */
    static long maxUnavailableMs(List<Ack> acks) {
        long[] ends = acks.stream().mapToLong(Ack::endMs).sorted().toArray();
        long max = 0;
        for (int i = 1; i < ends.length; i++) {
            max = Math.max(max, ends[i] - ends[i - 1]);
        }
        return max;
    }
}
