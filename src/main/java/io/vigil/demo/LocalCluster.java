package io.vigil.demo;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.api.DaemonStatus;
import io.vigil.security.PrivateFiles;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two Vigil nodes on one machine (loopback, distinct ports and data folders), each a real
 * `vigil node` process in its own process group, protecting sample services or the reference VMS
 * ({@link Settings#withVms}). Used by the demo, the real-process tests and the benchmarks.
 */
public final class LocalCluster implements AutoCloseable {

    /**
     * @param dir                    working folder (configs, data, logs, process output)
     * @param basePort               heartbeat base port (node N uses basePort+N-1)
     * @param adminPort              node 1's admin port; node 2 uses adminPort+1
     * @param servicePort            the sample management server's port (node-independent, like a VIP)
     * @param heartbeatMs            heartbeat interval
     * @param timeoutMs              peer-lost timeout
     * @param serviceFailoverDelayMs failover delay after local restarts are used up
     * @param maxRestarts            local restarts allowed in the window
     * @param eventServer            also protect a sample event server that depends on the management server
     * @param maxFailovers           flapping protection: automatic failovers allowed in 6 h
     * @param witnessPort            UDP port of a local `vigil witness` (0: no witness)
     * @param databasePort           node 1's PostgreSQL port, node 2 uses databasePort+1 (0: no database)
     */
    public record Settings(Path dir, int basePort, int adminPort, int servicePort, long heartbeatMs, long timeoutMs,
                           long serviceFailoverDelayMs, int maxRestarts, boolean eventServer, int maxFailovers,
                           int witnessPort, int databasePort, boolean vms) {
        public static Settings defaults(Path dir) {
            return new Settings(dir, 8888, 6259, 18080, 1000, 3000, 10_000, 2, true, 2, 0, 0, false);
        }

        /** Each node runs a replicated PostgreSQL (SPEC §3) on {@code port} and {@code port+1}. */
        public Settings withDatabase(int port) {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, maxFailovers, witnessPort, port, vms);
        }

        /**
         * The resources are the reference VMS instead of the sample service (issue 13): the
         * management server on {@code servicePort} (its configuration in the node's own PostgreSQL,
         * so {@link #withDatabase} is required), and, unless {@link #withoutEventServer}, the event
         * server on {@code servicePort+10} and the log server on {@code servicePort+20}, which
         * depend on it. The nodes report their events to that event server.
         */
        public Settings withVms() {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, maxFailovers, witnessPort, databasePort, true);
        }

        /** Adds a witness process on this machine, listening on UDP {@code port}. */
        public Settings withWitness(int port) {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, maxFailovers, port, databasePort, vms);
        }

        public Settings withPorts(int base, int admin, int service) {
            return new Settings(dir, base, admin, service, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, maxFailovers, witnessPort, databasePort, vms);
        }

        public Settings withTimings(long hbMs, long toMs) {
            return new Settings(dir, basePort, adminPort, servicePort, hbMs, toMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, maxFailovers, witnessPort, databasePort, vms);
        }

        public Settings withServiceFailover(long delayMs, int restarts) {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, delayMs, restarts,
                    eventServer, maxFailovers, witnessPort, databasePort, vms);
        }

        /** Only the management server, no event server (nor, in VMS mode, log server). */
        public Settings withoutEventServer() {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, false, maxFailovers, witnessPort, databasePort, vms);
        }

        /** Benchmarks fail over on purpose, again and again: raise the flapping limit. */
        public Settings withMaxFailovers(int max) {
            return new Settings(dir, basePort, adminPort, servicePort, heartbeatMs, timeoutMs, serviceFailoverDelayMs,
                    maxRestarts, eventServer, max, witnessPort, databasePort, vms);
        }

        /** The event server's port (VMS and sample mode alike). */
        public int eventPort() {
            return servicePort + 10;
        }

        /** The log server's port (VMS mode). */
        public int logPort() {
            return servicePort + 20;
        }
    }

    /** In {@link Settings#dir()}: the path of the database data, so the next run can remove it. */
    private static final String DATABASE_HOME_FILE = "database-home";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
    /**
     * Where each host lives: its IPv4 address and, optionally, the network namespace its processes
     * run in (index 0 the witness, 1 and 2 the nodes). Loopback by default.
     */
    public record Placement(List<String> addresses, List<String> namespaces, String vip, String vipInterface,
                            String pingWitness, List<List<String>> moreNetworks) {
        public static final Placement LOOPBACK = new Placement(List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"), null);

        public Placement(List<String> addresses, List<String> namespaces) {
            this(addresses, namespaces, null, null);
        }

        public Placement(List<String> addresses, List<String> namespaces, String vip, String vipInterface) {
            this(addresses, namespaces, vip, vipInterface, null, List.of());
        }

        /** The same hosts, with a virtual IP (a.b.c.d/prefix) carried on {@code iface}. */
        public Placement withVip(String cidr, String iface) {
            return new Placement(addresses, namespaces, cidr, iface, pingWitness, moreNetworks);
        }

        /** The nodes use a ping target as their witness (instead of a `vigil witness` process). */
        public Placement withPingWitness(String ip) {
            return new Placement(addresses, namespaces, vip, vipInterface, ip, moreNetworks);
        }

        /** Another heartbeat network: the hosts' addresses on it, indexed like {@link #addresses()}. */
        public Placement withNetwork(List<String> hostAddresses) {
            List<List<String>> more = new ArrayList<>(moreNetworks);
            more.add(List.copyOf(hostAddresses));
            return new Placement(addresses, namespaces, vip, vipInterface, pingWitness, List.copyOf(more));
        }
    }

    private final Settings s;
    private String key;
    /**
     * Made by the three setup steps ({@link #createBySetup}): the nodes' files are where setup put
     * them, index 1 and 2 (else null: the files this class writes itself).
     */
    private final Path[] setupConfigs = new Path[3];
    private final Path[] setupDataDirs = new Path[3];
    /** Where both nodes' PostgreSQL data lives (see {@link io.vigil.replication.PgScratch}); null without a database. */
    private Path databaseHome;
    private Placement placement = Placement.LOOPBACK;
    /** Index 0 is the witness, 1 and 2 the nodes. */
    private final Process[] processes = new Process[3];

    private LocalCluster(Settings s, String key) {
        this.s = s;
        this.key = key;
    }

    /**
     * Removes a previous run's folder (configs, data, logs), and the database data it points to,
     * so a new cluster starts clean.
     */
    public static void deleteTree(Path dir) throws IOException {
        Path home = dir.resolve(DATABASE_HOME_FILE);
        if (Files.isRegularFile(home, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            io.vigil.replication.PgScratch.delete(Path.of(Files.readString(home, StandardCharsets.UTF_8).strip()));
        }
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Writes both nodes' configuration files (a fresh random cluster key) into {@code s.dir()}. */
    public static LocalCluster create(Settings s) throws IOException {
        return create(s, Placement.LOOPBACK);
    }

    /** The same, with the hosts on the given addresses / in the given network namespaces. */
    public static LocalCluster create(Settings s, Placement where) throws IOException {
        if (s.vms() && s.databasePort() <= 0) {
            throw new IllegalArgumentException("withVms() needs withDatabase(port): the management server keeps"
                    + " its configuration in the cluster's PostgreSQL");
        }
        // 0711: each node's PostgreSQL runs as its own user below it; the files here are 0600.
        PrivateFiles.createTraversableDirectories(s.dir());
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        LocalCluster c = new LocalCluster(s, HexFormat.of().formatHex(k));
        c.placement = where;
        if (s.databasePort() > 0) {
            c.databaseHome = io.vigil.replication.PgScratch.create("cluster");
            Files.writeString(s.dir().resolve(DATABASE_HOME_FILE), c.databaseHome + "\n", StandardCharsets.UTF_8);
        }
        c.writeWitnessAndVmsFiles();
        for (int id = 1; id <= 2; id++) {
            Path file = c.config(id);
            PrivateFiles.writeString(file, c.yaml(id));
        }
        c.provisionTls();
        return c;
    }

    private void writeWitnessAndVmsFiles() throws IOException {
        if (s.witnessPort() > 0) {
            PrivateFiles.writeString(witnessConfig(), "# Generated: a witness for the demo cluster, on this machine.\n"
                    + "bindAddress: " + address(0) + "\nport: " + s.witnessPort() + "\nstateDir: " + s.dir().resolve("witness")
                    + "\nmaxLeaseMs: " + Math.max(s.timeoutMs(), 1000) + "\nclusters:\n  - name: demo\n    key: \""
                    // The witness's own key, as `vigil key witness` prints it: never the cluster key.
                    + HexFormat.of().formatHex(keys().witness("demo")) + "\"\n");
        }
        if (s.vms()) {
            writeVmsSecrets();
        }
    }

    /**
     * The demo's way (issue 12): both nodes made by the real three setup steps ({@link SetupPath}),
     * on loopback, node N's console on {@code consolePort+N-1} (plain HTTP, login admin with the
     * password in {@code passwordFile}), pairing on {@code pairingPort}. Setup writes each node's
     * configuration ({@code <dir>/etc/nodeN/vigil.yaml}, the cluster key and the console password
     * hash beside it), its cluster certificates and, with a database, its data folder (in a
     * {@link io.vigil.replication.PgScratch} place, which PostgreSQL's user can enter; the logs stay
     * in {@code <dir>/nodeN/log}). Then, as an administrator edits vigil.yaml after setup, this adds
     * what setup does not ask: the resources to protect, the event reporting, the witness, and the
     * demo's timings. Slower than {@link #create} (three CLI processes, two password hashes), so the
     * tests keep {@link #create}; one test runs this path ({@code DemoSetupPathTest}).
     */
    public static LocalCluster createBySetup(Settings s, int consolePort, int pairingPort, Path passwordFile,
                                             java.util.function.Consumer<String> out)
            throws IOException, InterruptedException {
        if (s.vms() && s.databasePort() <= 0) {
            throw new IllegalArgumentException("withVms() needs withDatabase(port)");
        }
        PrivateFiles.createTraversableDirectories(s.dir());
        LocalCluster c = new LocalCluster(s, null);
        if (s.databasePort() > 0) {
            c.databaseHome = io.vigil.replication.PgScratch.create("cluster");
            Files.writeString(s.dir().resolve(DATABASE_HOME_FILE), c.databaseHome + "\n", StandardCharsets.UTF_8);
        }
        int[] admin = {0, c.adminPort(1), c.adminPort(2)};
        int[] console = {0, consolePort, consolePort + 1};
        int[] database = s.databasePort() > 0 ? new int[] {0, s.databasePort(), s.databasePort() + 1} : new int[] {0, 0, 0};
        for (int id = 1; id <= 2; id++) {
            c.setupConfigs[id] = s.dir().resolve("etc").resolve("node" + id).resolve("vigil.yaml").toAbsolutePath();
            c.setupDataDirs[id] = (c.databaseHome != null ? c.databaseHome : s.dir().toAbsolutePath()).resolve("node" + id);
        }
        try {
            SetupPath.run(new SetupPath.Plan(c.setupConfigs, c.setupDataDirs, admin, console, database, s.basePort(),
                    pairingPort, s.databasePort() > 0 ? "internal" : "none", passwordFile.toAbsolutePath(),
                    s.dir().toAbsolutePath()), out);
            c.key = Files.readString(c.setupConfigs[1].resolveSibling("cluster.key"), StandardCharsets.UTF_8).strip();
            c.writeWitnessAndVmsFiles();
            for (int id = 1; id <= 2; id++) {
                c.addDemoSettings(id);
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (c.databaseHome != null) {
                io.vigil.replication.PgScratch.delete(c.databaseHome);
                Files.deleteIfExists(s.dir().resolve(DATABASE_HOME_FILE));
            }
            throw e;
        }
    }

    /**
     * Adds to the configuration setup wrote for node {@code id} what setup does not ask (see
     * {@link #createBySetup}), and checks that the result loads.
     */
    private void addDemoSettings(int id) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("node:\n  logDir: ").append(logDir(id)).append("\n");
        y.append("heartbeat:\n  intervalMs: ").append(s.heartbeatMs()).append("\n  timeoutMs: ").append(s.timeoutMs())
                .append("\n");
        if (!adminSocket(id).startsWith(dataDir(id))) {
            y.append("admin:\n  socket: ").append(adminSocket(id)).append("\n");
        }
        // setup binds the console to every address; the demo's plain-HTTP console stays on loopback
        y.append("console:\n  bindAddress: ").append(address(id)).append("\n");
        witness(y);
        services(y, id);
        SetupPath.amend(config(id), "# Written by `vigil setup` (node " + id + " of the demo cluster), then given the"
                + " demo's resources, witness and timings by `vigil demo`.", y.toString());
    }

    /**
     * Gives both nodes certificates of one new cluster CA (node-to-node TLS, issue 12), valid for
     * every address of this placement. A real site gets them by pairing in setup.
     */
    private void provisionTls() throws IOException {
        java.util.List<String> ips = placement.addresses().stream().distinct().toList();
        try {
            io.vigil.pki.ClusterTls.provisionLocal("demo", ips, dataDir(1), dataDir(2));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot make the demo cluster's certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Gives both nodes a web console (SPEC §5): node 1 on {@code port1}, node 2 on {@code port2}, on
     * their own addresses, login admin with the password in {@code passwordFile}. Call before
     * {@link #start}; it appends a {@code console:} section to both configuration files.
     */
    public void enableConsole(int port1, int port2, Path passwordFile) throws IOException {
        enableConsole(port1, port2, passwordFile, false);
    }

    /**
     * @param https true: the default of a paired node, HTTPS with a certificate each node issues from
     *              the cluster CA (issue 12); false: plain HTTP, asked for explicitly
     *              ({@code protocol: http}, which the nodes log as a warning)
     */
    public void enableConsole(int port1, int port2, Path passwordFile, boolean https) throws IOException {
        for (int id = 1; id <= 2; id++) {
            Files.writeString(config(id), "console:\n  bindAddress: " + address(id) + "\n  port: "
                    + (id == 1 ? port1 : port2) + "\n  passwordFile: " + passwordFile.toAbsolutePath() + "\n"
                    + (https ? "" : "  protocol: http\n"),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** Writes a new random console password into {@code file}, readable by its owner only; returns it. */
    public static String writeConsolePassword(Path file) throws IOException {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        PrivateFiles.writeString(file, password + "\n");
        return password;
    }

    /**
     * VMS mode's two bootstrap secrets, random and readable by their owner only (0600): the first
     * administrator's password, which the management server reads only while its database has no
     * user at all, and the password of the account the nodes report their events with, which it
     * creates when missing. Nothing has a default password.
     */
    private void writeVmsSecrets() throws IOException {
        PrivateFiles.createDirectories(vmsAdminPasswordFile().getParent());
        writeConsolePassword(vmsAdminPasswordFile());
        writeConsolePassword(vmsReporterPasswordFile());
    }

    /** VMS mode: the file holding the management server's first administrator's password (user admin). */
    public Path vmsAdminPasswordFile() {
        return s.dir().resolve("vms").resolve("admin.password").toAbsolutePath();
    }

    /** VMS mode: the password of {@value io.vigil.vms.management.ManagementServer#NODE_REPORTER}, the nodes' event account. */
    public Path vmsReporterPasswordFile() {
        return s.dir().resolve("vms").resolve("reporter.password").toAbsolutePath();
    }

    /** The address clients use: the VIP when there is one, else node 1's address (127.0.0.1 on loopback). */
    public String clusterAddress() {
        return placement.vip() != null ? placement.vip().split("/")[0] : address(1);
    }

    /** VMS mode: the management server through the cluster address. */
    public URI managementUrl() {
        return URI.create("http://" + clusterAddress() + ":" + s.servicePort());
    }

    /** VMS mode: the event server through the cluster address. */
    public URI eventsUrl() {
        return URI.create("http://" + clusterAddress() + ":" + s.eventPort());
    }

    /** VMS mode: the log server through the cluster address. */
    public URI logsUrl() {
        return URI.create("http://" + clusterAddress() + ":" + s.logPort());
    }

    /** VMS mode: logs in as the first administrator through the cluster address. */
    public io.vigil.vms.management.ManagementApi management() throws IOException {
        return io.vigil.vms.management.ManagementApi.login(managementUrl(), "admin",
                Files.readString(vmsAdminPasswordFile(), StandardCharsets.UTF_8).strip(), Duration.ofSeconds(10));
    }

    public Path config(int id) {
        return setupConfigs[id] != null ? setupConfigs[id] : s.dir().resolve("node" + id + ".yaml");
    }

    public Path witnessConfig() {
        return s.dir().resolve("witness.yaml");
    }

    public Path dataDir(int id) {
        return setupDataDirs[id] != null ? setupDataDirs[id] : s.dir().resolve("node" + id).toAbsolutePath();
    }

    /** Node {@code id}'s logs (module.log, application.log, ...): in {@code <dir>/nodeN/log} either way. */
    public Path logDir(int id) {
        return s.dir().resolve("node" + id).resolve("log").toAbsolutePath();
    }

    /**
     * Node {@code id}'s PostgreSQL data directory: outside {@link Settings#dir()}, which the database
     * user may not be able to enter (a checkout in root's home), in a private place of its own.
     */
    public Path databaseDir(int id) {
        if (databaseHome == null) {
            throw new IllegalStateException("this cluster runs no database");
        }
        if (setupDataDirs[id] != null) {
            return setupDataDirs[id].resolve("pg").resolve("data"); // where setup puts it (NodeConfigs)
        }
        return databaseHome.resolve("node" + id).resolve("data");
    }

    /** The numbered records node {@code id}'s management server acknowledged (SampleService --data). */
    public Path records(int id) {
        return dataDir(id).resolve("mgmt-records.log");
    }

    public Settings settings() {
        return s;
    }

    /** The cluster key both nodes hold (never the witness: see {@link #witnessConfig()}). */
    public byte[] key() {
        return HexFormat.of().parseHex(key);
    }

    /** The keys derived from {@link #key()}, one per purpose. */
    public io.vigil.security.ClusterKeys keys() {
        return io.vigil.security.ClusterKeys.of(key());
    }

    public int adminPort(int id) {
        return s.adminPort() + id - 1;
    }

    private String yaml(int id) {
        int peer = 3 - id;
        StringBuilder y = new StringBuilder();
        y.append("# Generated by vigil demo: node ").append(id).append(" of a two-node cluster on loopback.\n");
        y.append(io.vigil.config.ConfigFormat.line());
        y.append("cluster:\n  name: demo\n  key: \"").append(key).append("\"\n");
        y.append("node:\n  id: ").append(id).append("\n  dataDir: ").append(dataDir(id))
                .append("\n  hostName: node").append(id).append("\n");
        y.append("peer:\n  hostName: node").append(peer).append("\n  adminAddress: ").append(address(peer))
                .append("\n  adminPort: ")
                .append(adminPort(peer)).append("\n");
        y.append("admin:\n  bindAddress: ").append(address(id)).append("\n  port: ").append(adminPort(id)).append("\n");
        if (!adminSocket(id).startsWith(dataDir(id))) {
            y.append("  socket: ").append(adminSocket(id)).append("\n");
        }
        y.append("heartbeat:\n  intervalMs: ").append(s.heartbeatMs()).append("\n  timeoutMs: ").append(s.timeoutMs())
                .append("\n  basePort: ").append(s.basePort())
                .append("\n  networks:\n    - local: ").append(address(id)).append("\n      peer: ").append(address(peer))
                .append("\n");
        for (List<String> net : placement.moreNetworks()) {
            y.append("    - local: ").append(net.get(id)).append("\n      peer: ").append(net.get(peer)).append("\n");
        }
        if (placement.vip() != null) {
            y.append("vip:\n  address: ").append(placement.vip()).append("\n  interface: ")
                    .append(placement.vipInterface()).append("\n");
        }
        witness(y);
        if (s.databasePort() > 0) {
            y.append("database:\n  mode: internal\n  port: ").append(s.databasePort() + id - 1)
                    .append("\n  peerPort: ").append(s.databasePort() + peer - 1)
                    .append("\n  dataDir: ").append(databaseDir(id))
                    .append("\n  listenAddress: ").append(address(id)).append("\n  peerAddress: ").append(address(peer))
                    .append("\n  allowedCidr: ").append(address(peer)).append("/32\n");
        }
        services(y, id);
        return y.toString();
    }

    private void witness(StringBuilder y) {
        if (placement.pingWitness() != null) {
            y.append("witness:\n  ping: ").append(placement.pingWitness()).append("\n");
        } else if (s.witnessPort() > 0) {
            y.append("witness:\n  address: ").append(address(0)).append("\n  port: ").append(s.witnessPort()).append("\n");
        }
    }

    /** The failover policy, the event reporting and the resources: what setup does not write. */
    private void services(StringBuilder y, int id) {
        y.append("failover:\n  serviceFailoverDelayMs: ").append(s.serviceFailoverDelayMs())
                .append("\n  maxFailovers: ").append(s.maxFailovers()).append("\n");
        y.append("restart:\n  maxRestarts: ").append(s.maxRestarts()).append("\n  windowMs: 300000\n");
        if (s.vms() && s.eventServer()) {
            y.append("events:\n  url: ").append(eventsUrl()).append("\n  loginUrl: ").append(managementUrl())
                    .append("\n  user: ").append(io.vigil.vms.management.ManagementServer.NODE_REPORTER)
                    .append("\n  passwordFile: ").append(vmsReporterPasswordFile()).append("\n");
        }
        y.append("resources:\n");
        if (s.vms()) {
            vmsResources(y, id);
            return;
        }
        service(y, "mgmt", "Management server", s.servicePort(), id, List.of());
        if (s.eventServer()) {
            service(y, "event", "Event server", s.eventPort(), id, List.of("mgmt"));
        }
    }

    /**
     * The reference VMS's servers as node {@code node}'s resources. They reach the node's own
     * PostgreSQL with the VIGIL_DB_* environment the node gives its resources; the secrets come
     * from 0600 files, never the command line (which every user can read in /proc).
     */
    private void vmsResources(StringBuilder y, int node) {
        String vms = "io.vigil.vms.";
        resource(y, "mgmt", "Management server", node, s.servicePort(), List.of(), vms + "management.ManagementMain",
                "--admin-password-file", vmsAdminPasswordFile().toString(),
                "--reporter-password-file", vmsReporterPasswordFile().toString(),
                // the nodes' host names: a failover recording server there may only be a hot standby (issue 14)
                "--cluster-host", "node1", "--cluster-host", "node2");
        if (s.eventServer()) {
            resource(y, "event", "Event server", node, s.eventPort(), List.of("mgmt"), vms + "events.EventMain");
            resource(y, "logs", "Log server", node, s.logPort(), List.of("mgmt"), vms + "logs.LogMain");
        }
    }

    private void resource(StringBuilder y, String name, String description, int node, int port, List<String> deps,
                          String mainClass, String... extra) {
        List<String> argv = new ArrayList<>(vmsJavaCommand());
        argv.addAll(List.of(mainClass, "--node", "node" + node, "--port", Integer.toString(port),
                "--bind", listenHost(node), "--pool", "4"));
        argv.addAll(List.of(extra));
        y.append("  - name: ").append(name).append("\n    description: ").append(description).append("\n    start: [")
                .append(String.join(", ", argv.stream().map(a -> "\"" + a.replace("\"", "\\\"") + "\"").toList()))
                .append("]\n");
        if (!deps.isEmpty()) {
            y.append("    dependsOn: [").append(String.join(", ", deps)).append("]\n");
        }
        // A JVM with a web server, a pool and Flyway, whose first database connection (TLS, SCRAM)
        // is slow on a cold JVM: generous, for a small machine busy with a failover or a test run.
        // The SECOND keeps it started and waiting (issue 13): a takeover activates it in well under
        // a second instead of starting a JVM.
        y.append("    startTimeoutMs: 180000\n    stopTimeoutMs: 5000\n    warmStandby: true\n");
        checkers(y, node, port);
    }

    /** Where a service listens: every address when a VIP comes and goes, else the node's own. */
    private String listenHost(int node) {
        return placement.vip() != null ? "0.0.0.0" : address(node);
    }

    private void checkers(StringBuilder y, int node, int port) {
        y.append("    checkers:\n      - type: http\n        url: http://").append(address(node)).append(":").append(port)
                .append("/health\n        intervalMs: 500\n        timeoutMs: 500\n        fall: 2\n        rise: 1\n"
                        + "        graceMs: 0\n      - type: process\n        intervalMs: 200\n        fall: 1\n"
                        + "        rise: 1\n        graceMs: 0\n");
    }

    private void service(StringBuilder y, String name, String description, int port, int node, List<String> deps) {
        y.append("  - name: ").append(name).append("\n    description: ").append(description).append("\n    start: [");
        List<String> argv = new ArrayList<>(javaCommand());
        argv.addAll(List.of("io.vigil.vms.SampleService", "--name", description, "--node", "node" + node,
                "--port", Integer.toString(port), "--host", listenHost(node),
                "--data", dataDir(node).resolve(name + "-records.log").toString()));
        y.append(String.join(", ", argv.stream().map(a -> "\"" + a.replace("\"", "\\\"") + "\"").toList()));
        y.append("]\n");
        if (!deps.isEmpty()) {
            y.append("    dependsOn: [").append(String.join(", ", deps)).append("]\n");
        }
        y.append("    startTimeoutMs: 20000\n    stopTimeoutMs: 5000\n");
        checkers(y, node, port);
    }

    public String address(int host) {
        return placement.addresses().get(host);
    }

    /** {@code ip netns exec NS} for hosts placed in a namespace, nothing on loopback. */
    private List<String> inHost(int host) {
        return placement.namespaces() == null ? List.of()
                : List.of("ip", "netns", "exec", placement.namespaces().get(host));
    }

    /** The java launcher and classpath of this JVM, so nodes and services run the same build. */
    static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xss512k", "-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"));
    }

    /**
     * For the node daemons: the full JIT. A console login checks a 600,000-iteration PBKDF2 hash,
     * which the quick-start compiler alone turns from half a second into several.
     */
    static List<String> nodeJavaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xss512k", "-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"));
    }

    /**
     * For the VMS servers: the full JIT too (the management server checks login passwords with the
     * same slow hash; with the quick-start compiler alone a login takes many seconds and the
     * clients queue up behind its two hashing slots), and room for the web server, the connection
     * pool and Flyway.
     */
    static List<String> vmsJavaCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xss512k", "-XX:+UseSerialGC", "-Xmx160m", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"));
    }

    /** Starts node {@code id} as its own process group (setsid), output appended to nodeN.out. */
    public synchronized void start(int id) throws IOException {
        start(id, List.of());
    }

    /**
     * The same with JVM options before the main class: {@code -Dvigil.protocol.version=6} makes
     * it a node of the next protocol version (issue 15: rolling upgrades tested from one tree).
     */
    public synchronized void start(int id, List<String> javaOptions) throws IOException {
        if (alive(id)) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(inHost(id));
        List<String> java = nodeJavaCommand();
        cmd.add(java.get(0));
        cmd.addAll(javaOptions);
        cmd.addAll(java.subList(1, java.size()));
        cmd.add("io.vigil.daemon.NodeMain");
        cmd.add(config(id).toAbsolutePath().toString());
        File out = PrivateFiles.touch(s.dir().resolve("node" + id + ".out")).toFile();
        processes[id] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start();
    }

    /** Starts the witness (settings must name a witness port), output appended to witness.out. */
    public synchronized void startWitness() throws IOException {
        if (alive(0)) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(inHost(0));
        cmd.addAll(javaCommand());
        cmd.addAll(List.of("io.vigil.cli.Main", "witness", "--config", witnessConfig().toAbsolutePath().toString()));
        processes[0] = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(PrivateFiles.touch(s.dir().resolve("witness.out")).toFile()))
                .start();
    }

    /** SIGSTOP (true) or SIGCONT (false) of node {@code id}'s daemon process only, not its services. */
    public void pauseDaemon(int id, boolean pause) throws IOException, InterruptedException {
        long pid = pid(id);
        if (pid > 0) {
            new ProcessBuilder("kill", pause ? "-STOP" : "-CONT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    public synchronized boolean alive(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    public synchronized long pid(int id) {
        return processes[id] == null ? -1 : processes[id].pid();
    }

    /**
     * kill -9 of the node's whole process group (the daemon and the services it started) and
     * of its PostgreSQL, which pg_ctl starts in a session of its own: a power loss, as far as
     * the processes can tell.
     */
    public void kill(int id) throws IOException, InterruptedException {
        signalGroup(id, "-KILL");
        killDatabase(id);
        Process p = processes[id];
        if (p != null) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The postmaster's pid of node {@code id}, or -1 when it does not run. */
    public long databasePid(int id) {
        try {
            Path file = databaseDir(id).resolve("postmaster.pid");
            long pid = Long.parseLong(Files.readAllLines(file).get(0).strip());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** kill -9 of node {@code id}'s postmaster; its backends exit when they notice. */
    public void killDatabase(int id) throws IOException, InterruptedException {
        long pid = databasePid(id);
        if (pid > 0) {
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join());
        }
    }

    /** SIGTERM of the daemon: it stops its services and exits. */
    public void stop(int id) throws InterruptedException, IOException {
        Process p = processes[id];
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            signalGroup(id, "-KILL");
        }
        signalGroup(id, "-KILL"); // anything its services left behind
        killDatabase(id);
    }

    private void signalGroup(int id, String signal) throws IOException, InterruptedException {
        long pid = pid(id);
        if (pid > 0) {
            new ProcessBuilder("kill", signal, "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Node {@code id} through its local socket, as the CLI on its machine reaches it. */
    public AdminClient admin(int id) {
        return AdminClient.local(adminSocket(id), 2000);
    }

    /**
     * Node {@code id}'s local admin socket: the default, {@code <dataDir>/admin.sock}, unless that
     * path is too long for a Unix socket (deep test folders); then one in a short folder of /tmp
     * named after this cluster's folder, so that every run of it finds the same one.
     */
    public Path adminSocket(int id) {
        Path normal = dataDir(id).resolve(io.vigil.config.AdminSection.DEFAULT_SOCKET);
        if (normal.toString().length() <= 100) {
            return normal;
        }
        String tag = Integer.toHexString(s.dir().toAbsolutePath().normalize().toString().hashCode());
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "vigil-" + tag);
        try {
            io.vigil.security.PrivateFiles.createDirectories(folder);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot make " + folder + " for the admin sockets", e);
        }
        return folder.resolve("node" + id + ".sock");
    }

    /**
     * Node {@code id}'s TLS admin channel as its peer reaches it: with the other node's
     * certificate, so that a test can act as the peer (its console view, relayed commands).
     */
    public AdminClient adminAsPeer(int id) {
        return AdminClient.toPeerOf(dataDir(3 - id), address(id), adminPort(id), 2000);
    }

    /** Node {@code id}'s status, or null if its process is not running or does not answer. */
    public DaemonStatus statusOrNull(int id) {
        if (!alive(id)) {
            return null;
        }
        try {
            return admin(id).status();
        } catch (AdminException e) {
            return null;
        }
    }

    /** Which node the management server says it is served by ("node1"), or "" if it does not answer. */
    public String servedBy() {
        if (s.vms()) {
            return vmsServedBy();
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + s.servicePort() + "/"))
                    .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());
            int i = r.body().indexOf("served by ");
            return r.statusCode() == 200 && i >= 0 ? r.body().substring(i + 10).split(" ")[0] : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** VMS mode: the node the management server's /health names, when it answers 200 (its database is up). */
    private String vmsServedBy() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(managementUrl().resolve("/health"))
                    .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? io.vigil.vms.management.Json.MAPPER.readTree(r.body()).path("node").asText("")
                    : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (int id = 1; id <= 2; id++) {
            pauseDaemon(id, false);
            stop(id);
        }
        stop(0);
        if (databaseHome != null) {
            io.vigil.replication.PgScratch.delete(databaseHome);
            Files.deleteIfExists(s.dir().resolve(DATABASE_HOME_FILE));
        }
    }
}
