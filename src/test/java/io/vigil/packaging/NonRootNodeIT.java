package io.vigil.packaging;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: two nodes installed from target/vigil.deb (one {@link ThrowawayRoot}, a network
 * namespace each, joined by a veth pair) run the way the {@code vigil-node} unit runs them: as the
 * {@code vigil} user with only CAP_NET_ADMIN and CAP_NET_RAW as ambient capabilities (setpriv does
 * what the unit's User= and AmbientCapabilities= do). They start PostgreSQL as vigil (no user
 * switch), replicate it, hold the virtual IP, answer `vigil status` over the Unix socket for root
 * and members of the group vigil, and fail over when the PRIM's node stops. Needs root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NonRootNodeIT {
    private static final Path DEB = Path.of(System.getProperty("vigil.home", "."), "target", "vigil.deb");
    private static final Pattern STATE = Pattern.compile("state=\\w+->(\\w+) ");
    private static final String VIP = "10.231.7.100";
    private static final String[] CAPS = {"--inh-caps=+net_admin,+net_raw", "--ambient-caps=+net_admin,+net_raw"};
    private static ThrowawayRoot box;
    private static final List<String> namespaces = new ArrayList<>();
    private static final Process[] nodes = new Process[3];
    private static final Path[] outputs = new Path[3];
    private static int prim;

    @BeforeAll
    static void installTwoNodes() throws Exception {
        assertThat(ProcessHandle.current().info().user().orElse("")).as(
                "NonRootNodeIT installs the package into an overlay clone of / and makes network namespaces:"
                        + " run it as root (CI does)").isEqualTo("root");
        assertThat(DEB).as("the package built by mvn package").exists();
        box = ThrowawayRoot.create();
        Files.copy(DEB, box.path("/root/vigil.deb"));
        Files.deleteIfExists(box.path("/var/lib/man-db/auto-update")); // see PackageIT
        box.ok("dpkg", "-i", "/root/vigil.deb");
        String tag = Long.toString(ProcessHandle.current().pid());
        for (int id = 1; id <= 2; id++) {
            namespaces.add("vnr" + tag + "n" + id);
            host("ip", "netns", "add", ns(id));
            host("ip", "-n", ns(id), "link", "set", "lo", "up");
        }
        host("ip", "link", "add", "eth0", "netns", ns(1), "type", "veth", "peer", "name", "eth0", "netns", ns(2));
        for (int id = 1; id <= 2; id++) {
            host("ip", "-n", ns(id), "addr", "add", ip(id) + "/24", "dev", "eth0");
            host("ip", "-n", ns(id), "link", "set", "eth0", "up");
        }
        // The key in a file of the node's own (0600 vigil); the configuration without secrets, for
        // root and the group vigil (0640), so that the CLI of a group member can find the socket.
        Files.writeString(box.path("/etc/vigil/cluster.key"), HexFormat.of().formatHex(random()) + "\n");
        box.ok("chown", "vigil:vigil", "/etc/vigil/cluster.key");
        box.ok("chmod", "0600", "/etc/vigil/cluster.key");
        for (int id = 1; id <= 2; id++) {
            Files.writeString(box.path(config(id)), yaml(id));
            box.ok("chown", "root:vigil", config(id));
            box.ok("chmod", "0640", config(id));
        }
        box.ok("useradd", "--groups", "vigil", "vigilop");
        box.ok("useradd", "vigilno");
    }

    @AfterAll
    static void teardown() throws Exception {
        for (int id = 1; id <= 2; id++) {
            stop(id);
            killPostmaster(id);
            if (outputs[id] != null) {
                Files.deleteIfExists(outputs[id]);
            }
        }
        for (String n : namespaces) {
            new ProcessBuilder("ip", "netns", "del", n).start().waitFor();
        }
        if (box != null) {
            box.close();
        }
    }

    @Test
    @Order(1)
    void theNodesRunAsVigilWithTwoCapabilitiesAndPostgresqlRunsAsVigilToo() throws Exception {
        start(1);
        start(2);
        await("a PRIM and an up-to-date SECOND").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .failFast("a node exited", () -> {
                    for (int id = 1; id <= 2; id++) {
                        assertThat(nodes[id].isAlive()).as("node " + id + ": " + Files.readString(outputs[id])).isTrue();
                    }
                })
                .until(() -> pair() != 0);
        prim = pair();
        int vigil = Integer.parseInt(box.ok("id", "-u", "vigil").strip());
        for (int id = 1; id <= 2; id++) {
            String status = Files.readString(Path.of("/proc/" + nodes[id].pid() + "/status"));
            assertThat(status).as("node " + id + " daemon").containsPattern("Uid:\\s+" + vigil + "\\s")
                    .contains("CapEff:\t0000000000003000", "CapAmb:\t0000000000003000");
            long postmaster = Long.parseLong(Files.readAllLines(box.path(pgData(id) + "/postmaster.pid")).get(0).strip());
            assertThat((Integer) Files.getAttribute(Path.of("/proc/" + postmaster), "unix:uid"))
                    .as("node " + id + "'s PostgreSQL runs as vigil").isEqualTo(vigil);
        }
        assertThat(box.ok("stat", "-c", "%U:%G %a", pgData(prim))).isEqualTo("vigil:vigil 700\n");
        // The configuration is what setup writes (database.osUser defaults to postgres): no user switch.
        assertThat(moduleLog(prim)).contains("PostgreSQL runs as this node's own user vigil (database.osUser postgres"
                + " is used only by a node started as root)");
    }

    @Test
    @Order(2)
    void thePrimHoldsTheVirtualIpInItsNamespace() throws Exception {
        await("the VIP on node " + prim).atMost(Duration.ofSeconds(30)).until(() -> holdsVip(prim));
        assertThat(holdsVip(3 - prim)).isFalse();
    }

    @Test
    @Order(3)
    void statusAnswersRootAndTheGroupVigilOverTheSocketAndNobodyElse() throws Exception {
        assertThat(box.ok("vigil", "status", "--config", config(prim))).contains("PRIM");
        assertThat(box.ok("setpriv", "--reuid=vigilop", "--regid=vigilop", "--init-groups", "--", "vigil", "status",
                "--config", config(prim))).as("a member of the group vigil").contains("PRIM");
        ThrowawayRoot.Result stranger = box.run("setpriv", "--reuid=vigilno", "--regid=vigilno", "--init-groups",
                "--", "vigil", "status", "--config", config(prim));
        assertThat(stranger.ok()).as(stranger.output()).isFalse();
        assertThat(stranger.output()).contains(config(prim)); // it cannot even read the configuration
    }

    @Test
    @Order(4)
    void whenThePrimsNodeStopsTheOtherTakesTheDatabaseAndTheVirtualIp() throws Exception {
        int other = 3 - prim;
        stop(prim);
        await("node " + other + " runs the services alone").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> "ALONE".equals(lastState(other)) && holdsVip(other));
        assertThat(holdsVip(prim)).as("the stopped node gave the VIP up").isFalse();
        assertThat(box.ok("vigil", "status", "--config", config(other))).contains("ALONE");
        assertThat(moduleLog(other)).contains("promoting the database");
    }

    private static int pair() throws IOException {
        for (int p = 1; p <= 2; p++) {
            String second = moduleLog(3 - p);
            if ("PRIM".equals(lastState(p)) && "SECOND".equals(lastState(3 - p))
                    && second.lastIndexOf("data up to date with") > second.lastIndexOf("->SECOND")) {
                return p;
            }
        }
        return 0;
    }

    private static String lastState(int id) throws IOException {
        Matcher m = STATE.matcher(moduleLog(id));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String moduleLog(int id) throws IOException {
        Path log = box.path("/var/lib/vigil/node" + id + "/log/module.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static boolean holdsVip(int id) throws IOException, InterruptedException {
        return host("ip", "-n", ns(id), "-4", "-o", "addr", "show", "dev", "eth0").contains(" " + VIP + "/");
    }

    /** The unit's ExecStart as its User= and AmbientCapabilities= run it, in node {@code id}'s namespace. */
    private static void start(int id) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns(id), "chroot", box.root.toString(),
                "setpriv", "--reuid=vigil", "--regid=vigil", "--init-groups"));
        argv.addAll(List.of(CAPS));
        argv.addAll(List.of("--", "/usr/bin/vigil", "node", "--config", config(id)));
        outputs[id] = Files.createTempFile("vigil-nonroot-node" + id + "-", ".out");
        nodes[id] = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(outputs[id].toFile()).start();
    }

    private static void stop(int id) throws InterruptedException {
        Process p = nodes[id];
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM, as systemctl stop sends: the node stops its services itself
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static void killPostmaster(int id) throws IOException, InterruptedException {
        Path pid = box == null ? null : box.path(pgData(id) + "/postmaster.pid");
        if (pid != null && Files.exists(pid)) {
            new ProcessBuilder("kill", "-9", Files.readAllLines(pid).get(0).strip()).start().waitFor();
        }
    }

    private static String yaml(int id) {
        int peer = 3 - id;
        return """
                cluster: {name: pkg, keyFile: /etc/vigil/cluster.key}
                node: {id: %1$d, dataDir: /var/lib/vigil/node%1$d, hostName: node%1$d}
                peer: {hostName: node%2$d, adminAddress: %4$s, adminPort: 6259}
                admin: {bindAddress: %3$s, port: 6259}
                heartbeat:
                  intervalMs: 500
                  timeoutMs: 3000
                  networks: [{local: %3$s, peer: %4$s}]
                vip: {address: "%5$s/24", interface: eth0}
                database:
                  mode: internal
                  port: 5432
                  peerPort: 5432
                  dataDir: %6$s
                  listenAddress: %3$s
                  peerAddress: %4$s
                  allowedCidr: %4$s/32
                resources:
                  - name: svc
                    start: ["sleep", "100000"]
                    checkers: [{type: process}]
                """.formatted(id, peer, ip(id), ip(peer), VIP, pgData(id));
    }

    private static String pgData(int id) {
        return "/var/lib/vigil/node" + id + "/pg/data";
    }

    private static String config(int id) {
        return "/etc/vigil/node" + id + ".yaml";
    }

    private static String ns(int id) {
        return namespaces.get(id - 1);
    }

    private static String ip(int id) {
        return "10.231.7." + id;
    }

    private static byte[] random() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static String host(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }
}
