package io.vigil.demo;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;

import java.io.BufferedReader;
import java.io.IOException;
import io.vigil.replication.PgConfig;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code vigil demo}: two nodes on this machine protecting a sample management server (and an
 * event server that depends on it), a live view of their states and of which node serves, and
 * a small prompt to break and repair things. Ctrl-C stops everything.
 */
public final class Demo {
    /** node1's PostgreSQL port in the demo; node2 uses the next one. */
    static final int DATABASE_PORT = 15432;

    /** SPEC §11: the console's HTTP port; node 2's console uses the next one (both on this machine). */
    static final int CONSOLE_PORT = 9010;
    /** SPEC §11: where node2 waits for node1 during setup. */
    static final int PAIRING_PORT = 9001;
    /**
     * A first start with the database (initdb, node2's copy, the VMS servers' first start) takes
     * 30-60 s on an idle small machine, minutes on a busy one. The wait ends sooner when a node
     * process dies or a node stops trying.
     */
    private static final long FORM_LIMIT_MS = 600_000;
    private final LocalCluster cluster;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final String[] lastState = new String[3];
    private final String[] lastReason = new String[3];
    private volatile String lastServer = "";
    private volatile long downSince = -1;
    private volatile long killedAt = -1;
    /** VMS mode: the recording server outside the cluster; null until it runs (or if it could not be set up). */
    private volatile LocalRecorder recorder;
    private boolean stopped;

    private Demo(LocalCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    /** Runs the demo until "quit" or Ctrl-C; returns the exit code. */
    public static int run(Path dir, boolean fast, boolean witness, InputStream in, PrintStream out) throws Exception {
        return run(dir, fast, witness, true, in, out);
    }

    /**
     * @param database run a replicated PostgreSQL on each node (SPEC §3) when PostgreSQL 15 is
     *                 installed (scripts/setup.sh installs it)
     */
    public static int run(Path dir, boolean fast, boolean witness, boolean database, InputStream in, PrintStream out)
            throws Exception {
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir.toAbsolutePath());
        if (database && java.nio.file.Files.isExecutable(PgConfig.DEFAULT_BIN_DIR.resolve("pg_ctl"))) {
            // The reference VMS needs the cluster's database; without it the sample service stands in.
            s = s.withDatabase(DATABASE_PORT).withVms();
        } else if (database) {
            out.println("PostgreSQL 15 is not installed (" + PgConfig.DEFAULT_BIN_DIR + "): running without the"
                    + " replicated database. scripts/setup.sh installs it.");
        }
        if (fast) {
            s = s.withTimings(200, 1000);
        }
        if (witness) {
            s = s.withWitness(4850);
        }
        return run(s, CONSOLE_PORT, PAIRING_PORT, in, out);
    }

    /**
     * The demo on settings {@code s}: both nodes made by the three setup steps (consoles on
     * {@code consolePort} and the next, pairing on {@code pairingPort}), started, watched, and
     * stopped at "quit" (or Ctrl-C, or when they cannot form a cluster).
     */
    static int run(LocalCluster.Settings s, int consolePort, int pairingPort, InputStream in, PrintStream out)
            throws Exception {
        io.vigil.security.PrivateFiles.createTraversableDirectories(s.dir());
        Path passwordFile = s.dir().resolve("console-password");
        String password = LocalCluster.writeConsolePassword(passwordFile);
        out.println("Setting up two Vigil nodes on this machine with the three setup steps an administrator runs"
                + " (`vigil setup secondary` on node2, `setup primary` on node1 with node2's security code, `setup"
                + " finish` on node2; --loopback: both on this machine) ...");
        LocalCluster cluster;
        try {
            cluster = LocalCluster.createBySetup(s, consolePort, pairingPort, passwordFile, out::println);
        } catch (java.io.IOException e) {
            out.println("The demo's nodes could not be set up: " + e.getMessage());
            out.println("Fix the cause the setup step names (a port in use: another demo still running?), then run"
                    + " the demo again.");
            return 1;
        }
        if (s.databasePort() > 0) {
            Path pw = s.dir().resolve("db-password");
            io.vigil.security.PrivateFiles.writeString(pw, io.vigil.daemon.Databases.adminPassword(cluster.keys()) + "\n");
        }
        Demo demo = new Demo(cluster, out);
        Thread hook = new Thread(demo::shutdown, "vigil-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.show(consolePort, password, passwordFile, in);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is stopping (Ctrl-C): the hook stops everything
            }
            demo.shutdown();
        }
    }

    /** Starts the nodes, waits for the cluster, prints the banner and runs the prompt; returns the exit code. */
    private int show(int consolePort, String password, Path passwordFile, InputStream in) throws Exception {
        LocalCluster.Settings s = cluster.settings();
        boolean witness = s.witnessPort() > 0;
        out.println("Starting both nodes" + (witness ? " and a witness" : "") + " (configurations in " + s.dir().resolve("etc")
                + ", logs in " + s.dir() + "/node*/log) ...");
        if (witness) {
            cluster.startWitness();
        }
        cluster.start(1);
        cluster.start(2);
        // State changes print live from the start: a first start (initdb, the copy to node2) takes a while.
        Thread watcher = new Thread(this::watch, "vigil-demo-watch");
        watcher.setDaemon(true);
        watcher.start();
        if (!awaitPair(FORM_LIMIT_MS)) {
            explainNoCluster();
            return 1;
        }
        if (s.vms()) {
            startRecorder();
        }
        synchronized (this) { // not interleaved with the live state changes
            banner();
            out.println("Web console: http://127.0.0.1:" + consolePort + "/ (node1) and http://127.0.0.1:"
                    + (consolePort + 1) + "/ (node2); log in as admin with password " + password);
            out.println("  (the password is also in " + passwordFile + ", readable only by you)");
            out.println();
        }
        prompt(in);
        return 0;
    }

    /**
     * Waits for PRIM + SECOND; false after {@code limitMs}, or as soon as the cluster cannot form by
     * itself: a node process died, or a node stopped trying (STOP after failed starts).
     */
    private boolean awaitPair(long limitMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < deadline) {
            NodeState a = state(1);
            NodeState b = state(2);
            if ((a == NodeState.PRIM && b == NodeState.SECOND) || (a == NodeState.SECOND && b == NodeState.PRIM)) {
                return true;
            }
            if (!cluster.alive(1) || !cluster.alive(2) || a == NodeState.STOP || b == NodeState.STOP) {
                Thread.sleep(1000); // let the other node's reaction show before explaining
                return false;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** Why the cluster did not form, from what the nodes say: state, reason, errors, or a dead process's output. */
    private void explainNoCluster() {
        out.println();
        out.println("The nodes did not form a cluster. What they say:");
        for (int id = 1; id <= 2; id++) {
            if (!cluster.alive(id)) {
                Path nodeOut = cluster.settings().dir().resolve("node" + id + ".out");
                out.println("  node" + id + ": its process has exited; the end of " + nodeOut + ":");
                lastLines(nodeOut, 8, l -> true).forEach(l -> out.println("      " + l));
                continue;
            }
            DaemonStatus st = statusOrNull(id);
            out.println("  node" + id + ": " + (st == null ? "does not answer" : st.node().state() + ": " + st.node().reason()));
            Path log = cluster.logDir(id).resolve("module.log");
            List<String> errors = lastLines(log, 3, Demo::isError);
            if (!errors.isEmpty()) {
                out.println("    its last errors (" + log + "):");
                errors.forEach(l -> out.println("      " + l));
            }
        }
        out.println("Fix the cause, then run the demo again. Full logs: " + cluster.settings().dir() + "/node*.out and "
                + cluster.settings().dir() + "/node*/log/module.log");
    }

    /** Module log lines are "yyyy-MM-dd HH:mm:ss.SSS L message"; L is E for errors. */
    private static boolean isError(String line) {
        return line.length() > 26 && line.startsWith("E ", 24);
    }

    private static List<String> lastLines(Path file, int n, java.util.function.Predicate<String> keep) {
        try (var lines = java.nio.file.Files.lines(file, StandardCharsets.UTF_8)) {
            java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
            lines.filter(keep).forEach(l -> {
                tail.addLast(l.length() > 600 ? l.substring(0, 600) + " ..." : l);
                if (tail.size() > n) {
                    tail.removeFirst();
                }
            });
            return List.copyOf(tail);
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of();
        }
    }

    private void banner() {
        LocalCluster.Settings s = cluster.settings();
        String cfg = cluster.config(1).toString();
        out.println();
        out.println("=== Vigil demo: node1 and node2 form a cluster ===");
        if (s.vms()) {
            vmsBanner();
        } else {
            out.println("The management server answers at http://127.0.0.1:" + s.servicePort() + "/ on whichever node runs it.");
        }
        if (s.databasePort() > 0) {
            out.println("Each node runs PostgreSQL (node1 port " + s.databasePort() + ", node2 port " + (s.databasePort() + 1)
                    + "): the PRIM's is the primary, the SECOND's a synchronous standby.");
            out.println("  PGPASSWORD=$(cat " + s.dir().resolve("db-password") + ") psql -h 127.0.0.1 -p "
                    + s.databasePort() + " -U " + io.vigil.daemon.Databases.ADMIN_USER + " postgres");
        }
        out.println();
        out.println("Watch (in another terminal):");
        out.println("  bin/vigil status --cluster --config " + cfg);
        out.println("  curl -s http://127.0.0.1:" + s.servicePort() + (s.vms() ? "/health" : "/"));
        out.println("  tail -f " + cluster.logDir(1).resolve("module.log"));
        out.println();
        out.println("Break it (type here, then Enter):");
        out.println("  kill 1     kill -9 every process of node1 (daemon and services): node2 takes over");
        out.println("  start 1    start node1 again: it comes back SECOND");
        out.println("  swap       exchange the roles of the two nodes");
        out.println("  stop 2 / restart 2 / status / quit   (Ctrl-C also stops everything)");
        if (s.witnessPort() > 0) {
            out.println("  pause 1    SIGSTOP node1's daemon: its watchdog kills its services before node2 may take over");
            out.println("  resume 1   SIGCONT it: it rejoins as SECOND");
            out.println("  kill w / start w   stop or start the witness (with it down, nothing moves while the nodes see each other)");
        } else {
            out.println("  (run `bin/vigil demo --witness` to add a witness and try split-brain protection)");
        }
        out.println();
    }

    /**
     * VMS mode: one recording server with two simulated cameras, its own process outside the
     * cluster, configured through the management server at the cluster address. A demo whose
     * management server does not come up still runs, without it, and says so.
     */
    private void startRecorder() {
        Path dir = cluster.settings().dir().resolve("rec1");
        try {
            LocalCluster.deleteTree(dir); // the database is new each run: so are the cameras' ids
            io.vigil.vms.management.ManagementApi admin = awaitManagement(FORM_LIMIT_MS);
            LocalRecorder r = LocalRecorder.provision(admin, dir, "rec1", 2, 10, 500);
            r.start();
            recorder = r;
        } catch (IOException e) {
            say("no recording server: " + e.getMessage() + " (see " + cluster.logDir(1).resolve("application.log")
                    + " and the same file of node2)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An administrator's session at the cluster address, once the management server answers (it starts after the database). */
    private io.vigil.vms.management.ManagementApi awaitManagement(long limitMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + limitMs;
        say("waiting for the management server at " + cluster.managementUrl() + " ...");
        while (true) {
            try {
                if (!cluster.servedBy().isEmpty()) {
                    return cluster.management();
                }
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("the management server did not answer at " + cluster.managementUrl() + " within "
                        + limitMs / 1000 + " s");
            }
            Thread.sleep(500);
        }
    }

    private void vmsBanner() {
        LocalCluster.Settings s = cluster.settings();
        out.println("The reference VMS runs on whichever node is PRIM, its data in that node's PostgreSQL:");
        out.println("  management server " + cluster.managementUrl() + "   event server " + cluster.eventsUrl()
                + "   log server " + cluster.logsUrl());
        out.println("Log in to the management API as admin; the password is in " + cluster.vmsAdminPasswordFile()
                + " (readable only by you):");
        out.println("  curl -s " + cluster.managementUrl() + "/api/login -d \"{\\\"user\\\":\\\"admin\\\",\\\"password\\\":\\\"$(cat "
                + cluster.vmsAdminPasswordFile() + ")\\\"}\"");
        out.println("  TOKEN=<the token it answers>");
        out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" " + cluster.managementUrl() + "/api/recording-servers");
        out.println("  curl -s -H \"Authorization: Bearer $TOKEN\" \"" + cluster.eventsUrl() + "/api/events?type=failover\"");
        out.println("  (API description: " + cluster.managementUrl() + "/openapi.json)");
        LocalRecorder r = recorder;
        if (r != null) {
            out.println("Recording server rec1 (its own process, not moved by the cluster) records 2 simulated cameras"
                    + " at " + r.url() + "/devices; it reads its configuration through the cluster address and"
                    + " records on while the management server fails over.");
        }
        if (s.eventServer()) {
            out.println("Both nodes send their state changes and failovers to the event server (account "
                    + io.vigil.vms.management.ManagementServer.NODE_REPORTER + ", password in "
                    + cluster.vmsReporterPasswordFile() + ").");
        }
    }

    private void prompt(InputStream in) throws IOException, InterruptedException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            String[] w = line.trim().toLowerCase(Locale.ROOT).split("\\s+");
            if (w[0].isEmpty()) {
                continue;
            }
            if (w[0].equals("quit") || w[0].equals("exit")) {
                return;
            }
            try {
                act(w);
            } catch (AdminException | IOException | RuntimeException e) {
                out.println("  " + e.getMessage());
            }
        }
        // No terminal (stdin closed): keep running until Ctrl-C.
        Thread.currentThread().join();
    }

    private void act(String[] w) throws IOException, InterruptedException, AdminException {
        int node = w.length > 1 && w[1].matches("[12]") ? Integer.parseInt(w[1]) : 0;
        switch (w[0]) {
            case "kill" -> {
                if (w.length > 1 && w[1].equals("w")) {
                    cluster.kill(0);
                    say("witness killed");
                    return;
                }
                requireNode(node);
                killedAt = System.nanoTime();
                cluster.kill(node);
                say("node" + node + " killed (kill -9 of its process group)");
            }
            case "start" -> {
                if (w.length > 1 && w[1].equals("w")) {
                    cluster.startWitness();
                    say("witness started (it grants no lease during its first seconds)");
                    return;
                }
                requireNode(node);
                if (cluster.alive(node)) {
                    print(admin(node).command("start", null, who()));
                } else {
                    cluster.start(node);
                    say("node" + node + " process started");
                }
            }
            case "stop", "restart" -> {
                requireNode(node);
                print(admin(node).command(w[0], null, who()));
            }
            case "pause", "resume" -> {
                requireNode(node);
                cluster.pauseDaemon(node, w[0].equals("pause"));
                say("node" + node + " daemon " + (w[0].equals("pause") ? "paused (SIGSTOP)" : "resumed (SIGCONT)"));
            }
            case "swap" -> print(admin(node == 0 ? 1 : node).command("swap", null, who()));
            case "status" -> {
                for (int id = 1; id <= 2; id++) {
                    DaemonStatus st = statusOrNull(id);
                    out.println("  node" + id + ": " + (st == null ? "down" : st.node().state() + " (" + st.node().reason() + ")"));
                }
                out.println("  service: " + (lastServer.isEmpty() ? "not answering" : lastServer));
            }
            default -> out.println("  commands: kill N, start N, stop N, restart N, pause N, resume N, swap, status,"
                    + " kill w, start w, quit");
        }
    }

    private void requireNode(int node) {
        if (node == 0) {
            throw new IllegalArgumentException("say which node: 1 or 2");
        }
    }

    private void print(CommandResult r) {
        out.println("  node" + r.nodeId() + " " + (r.accepted() ? "accepted" : "refused") + ": " + r.message());
    }

    /**
     * Prints state changes of both nodes and of the service, with timestamps since the demo began.
     * A node in WAIT also shows each new reason (starting the services, initializing the database,
     * gave up after failed starts): it is the state in which an operator wonders what is going on.
     */
    private void watch() {
        while (true) {
            for (int id = 1; id <= 2; id++) {
                DaemonStatus st = statusOrNull(id);
                if (st == null && lastState[id] == null) {
                    continue; // not answering yet: its process is still starting
                }
                String now = st == null ? "down" : st.node().state().name()
                        + (cluster.settings().databasePort() > 0 && st.node().state() == NodeState.SECOND
                        ? ", data " + st.node().sync().label() : "");
                String reason = st == null ? "" : st.node().reason();
                boolean waitReason = st != null && st.node().state() == NodeState.WAIT && !reason.equals(lastReason[id]);
                if (!now.equals(lastState[id]) || waitReason) {
                    say("node" + id + " " + (lastState[id] == null || now.equals(lastState[id]) ? "" : lastState[id] + " -> ")
                            + now + (st == null ? "" : "  (" + reason + ")"));
                    lastState[id] = now;
                    lastReason[id] = reason;
                }
            }
            probeService();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probeService() {
        String server = cluster.servedBy();
        if (server.equals(lastServer)) {
            return;
        }
        if (server.isEmpty()) {
            downSince = System.nanoTime();
            say("management server NOT answering");
        } else {
            String extra = "";
            if (killedAt > 0) {
                extra = String.format("  (%d ms after the kill)", (System.nanoTime() - killedAt) / 1_000_000);
                killedAt = -1;
            } else if (downSince > 0) {
                extra = String.format("  (unavailable for %d ms)", (System.nanoTime() - downSince) / 1_000_000);
            }
            say("management server answers from " + server + extra);
            downSince = -1;
        }
        lastServer = server;
    }

    private NodeState state(int id) {
        DaemonStatus s = statusOrNull(id);
        return s == null ? null : s.node().state();
    }

    private DaemonStatus statusOrNull(int id) {
        return cluster.statusOrNull(id);
    }

    private AdminClient admin(int id) {
        return cluster.admin(id);
    }

    private static String who() {
        return System.getProperty("user.name") + " (demo)";
    }

    private synchronized void say(String msg) {
        out.printf("[%7.1fs] %s%n", (System.nanoTime() - t0) / 1e9, msg);
    }

    /** Stops everything, once: at "quit", or from the shutdown hook at Ctrl-C. */
    private void shutdown() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        out.println("Stopping both nodes ...");
        try {
            LocalRecorder r = recorder;
            if (r != null) {
                r.close();
            }
            cluster.close();
        } catch (IOException | InterruptedException e) {
            out.println("could not stop cleanly: " + e.getMessage());
        }
        out.println("Stopped. Configs and logs stay in " + cluster.settings().dir());
    }
}
