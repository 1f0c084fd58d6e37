package io.vigil.it.net;

import io.vigil.demo.LocalCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Two real Vigil nodes (and optionally a `vigil witness`) placed on a {@link NetLab}, with what the
 * scenario tests read back: who runs the management server (from the processes, not the nodes'
 * claims), who holds the virtual IP, the nodes' states from their module logs, and watchers that
 * record every moment two nodes run the services or hold the VIP at once. Hosts 0 (witness or
 * gateway), 1 and 2 are the lab hosts named at creation.
 */
final class LabCluster implements AutoCloseable {
    private static final Pattern STATE = Pattern.compile("state=\\w+->(\\w+) ");

    final NetLab lab;
    final LocalCluster cluster;
    final String vip;
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> watchers = new ArrayList<>();
    private final java.util.Map<Integer, String> netns = new java.util.concurrent.ConcurrentHashMap<>();
    /** File systems mounted for the nodes' databases, unmounted at close. */
    private final List<Path> mounts = new CopyOnWriteArrayList<>();

    private LabCluster(NetLab lab, LocalCluster cluster, String vip) {
        this.lab = lab;
        this.cluster = cluster;
        this.vip = vip;
    }

    /**
     * Writes the configurations for the lab's first host (witness or gateway), {@code node1} and
     * {@code node2} (VIP .100 on eth0; settings made for the test's log folder), with {@code placement}
     * adjusting where things go; nothing is started.
     */
    static LabCluster create(NetLab lab, String testName, java.util.function.Function<Path, LocalCluster.Settings> settings,
                             UnaryOperator<LocalCluster.Placement> placement) throws IOException {
        Path dir = NetLab.logDir(testName).toAbsolutePath();
        LocalCluster.deleteTree(dir);
        List<String> hosts = List.of(lab.hosts().get(0), "node1", "node2");
        String vip = lab.address(100);
        LocalCluster.Placement p = new LocalCluster.Placement(hosts.stream().map(lab::ip).toList(),
                hosts.stream().map(lab::namespace).toList()).withVip(vip + "/" + lab.prefixLength(), "eth0");
        LocalCluster c = LocalCluster.create(settings.apply(dir), placement.apply(p));
        return new LabCluster(lab, c, vip);
    }

    /** PRIM (holding the lease) + up-to-date SECOND, from both nodes' logs and processes; returns the PRIM. */
    int awaitPair() throws IOException {
        await("PRIM + up-to-date SECOND").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pair() != 0);
        return pair();
    }

    int pair() throws IOException {
        for (int prim = 1; prim <= 2; prim++) {
            int sec = 3 - prim;
            String secLog = moduleLog(sec);
            String primLog = moduleLog(prim);
            if ("PRIM".equals(lastState(prim)) && "SECOND".equals(lastState(sec))
                    && secLog.lastIndexOf("data up to date with") > secLog.lastIndexOf("->SECOND")
                    && (!witnessed() || primLog.lastIndexOf("holding the witness lease") > primLog.lastIndexOf("->WAIT"))
                    && runs(prim) && !runs(sec)) {
                return prim;
            }
        }
        return 0;
    }

    /** The nodes have a `vigil witness` (without one there is no lease to hold). */
    boolean witnessed() {
        return cluster.settings().witnessPort() > 0;
    }

    /**
     * PRIM + SECOND as the nodes report them (`vigil status --json`, run in each node's namespace,
     * where its admin channel listens): a PRIM running the services (under a valid lease when there is a witness) with its
     * peer present, a SECOND up to date at the PRIM's epoch, and the processes agreeing. Returns the
     * PRIM, or 0. Slower than {@link #pair()} (a JVM per node) but independent of log wording.
     */
    int pairFromStatus() {
        com.fasterxml.jackson.databind.JsonNode[] s = {null, status(1), status(2)};
        for (int prim = 1; prim <= 2; prim++) {
            com.fasterxml.jackson.databind.JsonNode p = s[prim];
            com.fasterxml.jackson.databind.JsonNode q = s[3 - prim];
            if (p != null && q != null && "PRIM".equals(p.path("state").asText())
                    && "RUNNING".equals(p.path("services").asText())
                    && (!witnessed() || p.path("leaseRemainingMs").asLong(-1) > 0)
                    && p.path("peerPresent").asBoolean() && "SECOND".equals(q.path("state").asText())
                    && q.path("dataEpoch").asLong() == p.path("epoch").asLong()
                    && q.path("epoch").asLong() == p.path("epoch").asLong()
                    && runs(prim) && !runs(3 - prim)) {
                return prim;
            }
        }
        return 0;
    }

    /** The "node" object of node {@code id}'s `vigil status --json`, or null if it does not answer. */
    com.fasterxml.jackson.databind.JsonNode status(int id) {
        Cmd.Result r = lab.result("node" + id, ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "io.vigil.cli.Main", "status", "--json", "--config", cluster.config(id).toString());
        if (r.exitCode() != 0) {
            return null;
        }
        try {
            String out = r.output();
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.indexOf('{')))
                    .path("node");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Records every 20 ms sample in which both nodes' management servers exist. */
    void watchForTwoRunners() {
        watch(20, () -> runs(1) && runs(2), "both nodes run the management server");
    }

    /** Records every 50 ms sample in which both nodes have the VIP on their interface. */
    void watchForTwoVipHolders() {
        watch(50, () -> holdsVip(1) && holdsVip(2), "both nodes hold the virtual IP");
    }

    void watch(long periodMs, java.util.function.BooleanSupplier bad, String what) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        s.scheduleAtFixedRate(() -> {
            if (bad.getAsBoolean()) {
                violations.add(System.nanoTime() / 1_000_000 + " ms: " + what);
            }
        }, 0, periodMs, TimeUnit.MILLISECONDS);
        watchers.add(s);
    }

    String curlVip() {
        return lab.result("client", "curl", "-s", "-m", "1", "http://" + vip + ":"
                + cluster.settings().servicePort() + "/").output();
    }

    boolean holdsVip(int id) {
        return lab.result("node" + id, "ip", "-4", "-o", "addr", "show", "dev", "eth0").output().contains(" " + vip + "/");
    }

    /**
     * Whether node {@code id}'s management server process exists and is not a zombie. Only processes
     * in the node's network namespace count: other clusters on the machine (other test runs) run
     * sample services named the same.
     */
    boolean runs(int id) {
        return servicePid(id) > 0;
    }

    /**
     * The pid of node {@code id}'s management server (not a zombie) that serves: it listens on the
     * service port. A warm standby's process (same command line, started ahead on the SECOND) does
     * not, until the takeover activates it. -1 when none serves.
     */
    long servicePid(int id) {
        String netns = netnsOf(id);
        return ProcessHandle.allProcesses().filter(h -> {
            try {
                Path proc = Path.of("/proc", Long.toString(h.pid()));
                String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                boolean management = cmd.contains("io.vigil.vms.management.ManagementMain")
                        || cmd.contains("io.vigil.vms.SampleService") && cmd.contains("Management server");
                if (!management || !cmd.contains("node" + id + "\0")
                        || !Files.readSymbolicLink(proc.resolve("ns/net")).toString().equals(netns)) {
                    return false;
                }
                String stat = Files.readString(proc.resolve("stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'
                        && listens(proc, cluster.settings().servicePort());
            } catch (IOException e) {
                return false; // exited while we looked
            }
        }).mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    /** Whether the process at {@code proc} (/proc/PID) holds a TCP socket listening on {@code port}. */
    private static boolean listens(Path proc, int port) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            Path t = proc.resolve(table);
            if (!Files.exists(t)) {
                continue;
            }
            for (String line : Files.readAllLines(t)) {
                String[] f = line.trim().split("\\s+");
                // local_address is ADDR:PORT in hex, st 0A is LISTEN, the inode is the tenth field
                if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(String.format(":%04X", port))) {
                    inodes.add("socket:[" + f[9] + "]");
                }
            }
        }
        if (inodes.isEmpty()) {
            return false;
        }
        try (java.util.stream.Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    return false; // closed while we looked
                }
            });
        }
    }

    /** "net:[inode]" as /proc/PID/ns/net reads for processes in node {@code id}'s namespace. */
    private String netnsOf(int id) {
        return netns.computeIfAbsent(id, i -> {
            try {
                return "net:[" + Files.getAttribute(Path.of("/run/netns", lab.namespace("node" + i)), "unix:ino") + "]";
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    String lastState(int id) throws IOException {
        Matcher m = STATE.matcher(moduleLog(id));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    String moduleLog(int id) throws IOException {
        Path log = cluster.dataDir(id).resolve("log/module.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * Puts node {@code id}'s database home (its data directory, the copies kept aside, the server
     * log) on a tmpfs of {@code megabytes}, so that a nemesis can fill it. Call before the node starts.
     */
    void limitDatabaseDisk(int id, int megabytes) throws IOException {
        Path home = cluster.databaseDir(id).getParent();
        Files.createDirectories(home);
        Cmd.run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", home.toString()).orThrow();
        mounts.add(home);
    }

    /** Fills the file system under node {@code id}'s database to the last byte; returns the filler file. */
    Path fillDatabaseDisk(int id) {
        Path home = cluster.databaseDir(id).getParent();
        Path filler = home.resolve("chaos-disk-full");
        long free = home.toFile().getUsableSpace();
        Cmd.run("fallocate", "-l", Long.toString(Math.max(free, 4096)), filler.toString());
        // fallocate takes whole pages; what it left (if anything) goes to a second, smaller file.
        Cmd.run("sh", "-c", "cat /dev/zero > '" + filler + ".rest' 2>/dev/null; true");
        return filler;
    }

    void freeDatabaseDisk(Path filler) throws IOException {
        Files.deleteIfExists(filler);
        Files.deleteIfExists(Path.of(filler + ".rest"));
    }

    @Override
    public void close() throws Exception {
        watchers.forEach(ScheduledExecutorService::shutdownNow);
        try {
            cluster.close();
        } finally {
            for (Path m : mounts) {
                Cmd.run("umount", "-l", m.toString());
                Cmd.run("rmdir", m.toString(), m.getParent().toString()); // what the cluster could not remove
            }
            lab.close();
        }
    }
}
