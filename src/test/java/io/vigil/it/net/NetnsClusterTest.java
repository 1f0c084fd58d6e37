package io.vigil.it.net;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real `vigil node` daemons and a real `vigil witness`, each in its own network namespace on a
 * test bridge, with a client host. Faults are cut links and partitions. What runs where is read
 * from the operating system (the sample services' processes), not from what the nodes claim.
 */
@Tag("netns")
class NetnsClusterTest {
    private static final Pattern STATE = Pattern.compile("state=\\w+->(\\w+) ");
    private NetLab lab;
    private LocalCluster cluster;
    private ScheduledExecutorService sampler;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private String vip;

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        lab = NetLab.create("vgc", "witness", "node1", "node2", "client");
        Path dir = NetLab.logDir(info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        LocalCluster.deleteTree(dir);
        LocalCluster.Settings s = LocalCluster.Settings.defaults(dir).withWitness(4850);
        List<String> hosts = List.of("witness", "node1", "node2");
        vip = lab.address(100);
        cluster = LocalCluster.create(s, new LocalCluster.Placement(hosts.stream().map(lab::ip).toList(),
                hosts.stream().map(lab::namespace).toList()).withVip(vip + "/" + lab.prefixLength(), "eth0"));
        cluster.startWitness();
        cluster.start(1);
        cluster.start(2);
    }

    @AfterEach
    void teardown() throws Exception {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (vipSampler != null) {
            vipSampler.shutdownNow();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aPartitionBetweenTheNodesLeavesExactlyOneOfThemRunningTheServices() throws Exception {
        int prim = awaitPair();
        watchForTwoRunners();
        lab.partition("node1", "node2");
        await("the lease holder keeps the services, the other does not take them").during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(12)).until(() -> runs(prim) && !runs(3 - prim));
        lab.heal("node1", "node2");
        awaitPair();
        assertThat(violations).isEmpty();
    }

    @Test
    void aPrimIsolatedFromPeerAndWitnessStopsItsServicesBeforeTheOtherStartsThem() throws Exception {
        int prim = awaitPair();
        String p = "node" + prim;
        watchForTwoRunners();
        lab.partition(p, "node" + (3 - prim));
        lab.partition(p, "witness");
        await("the other node runs the services").atMost(Duration.ofSeconds(30)).until(() -> runs(3 - prim));
        assertThat(runs(prim)).as("the isolated PRIM fenced itself").isFalse();
        assertThat(violations).as("never both").isEmpty();
        assertThat(moduleLog(prim)).contains("FENCED");
    }

    @Test
    void powerLossOfThePrimMovesTheServiceAndTheClientReachesItOnTheOtherNode() throws Exception {
        int prim = awaitPair();
        int other = 3 - prim;
        lab.linkDown("node" + prim);
        await("client reaches the service on node" + other).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> lab.result("client", "curl", "-s", "-m", "1",
                        "http://" + lab.ip("node" + other) + ":18080/").output().contains("served by node" + other));
        lab.linkUp("node" + prim);
        await("back as SECOND").atMost(Duration.ofSeconds(40)).until(() -> "SECOND".equals(lastState(prim)));
    }

    @Test
    void theVirtualIpFollowsTheServicesAndOnlyOneNodeEverAnswersArpForIt() throws Exception {
        int prim = awaitPair();
        int other = 3 - prim;
        ArpProbe arp = new ArpProbe(lab);
        await("the client reaches node" + prim + " through the VIP").atMost(Duration.ofSeconds(10))
                .until(() -> curlVip().contains("served by node" + prim));
        assertThat(arp.whoHas("client", vip)).containsExactly(arp.macOf("node" + prim));
        watchForTwoVipHolders();
        lab.linkDown("node" + prim);
        await("the client reaches node" + other + " through the VIP").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> curlVip().contains("served by node" + other));
        assertThat(arp.whoHas("client", vip)).containsExactly(arp.macOf("node" + other));
        assertThat(holdsVip(prim)).as("node" + prim + " lost the VIP with its services").isFalse();
        assertThat(violations).isEmpty();
    }

    @Test
    void aPrimPausedPastItsLeaseNeverHoldsTheVirtualIpTogetherWithItsPeer() throws Exception {
        int prim = awaitPair();
        int other = 3 - prim;
        watchForTwoVipHolders();
        watchForTwoRunners();
        cluster.pauseDaemon(prim, true);
        await("node" + other + " holds the VIP").atMost(Duration.ofSeconds(30)).until(() -> holdsVip(other));
        assertThat(holdsVip(prim)).as("the watchdog removed the paused node's VIP").isFalse();
        cluster.pauseDaemon(prim, false);
        await("back as SECOND").atMost(Duration.ofSeconds(30)).until(() -> "SECOND".equals(lastState(prim)));
        assertThat(holdsVip(prim)).isFalse();
        assertThat(curlVip()).contains("served by node" + other);
        assertThat(violations).isEmpty();
    }

    private String curlVip() {
        return lab.result("client", "curl", "-s", "-m", "1", "http://" + vip + ":18080/").output();
    }

    private boolean holdsVip(int id) {
        return lab.result("node" + id, "ip", "-4", "-o", "addr", "show", "dev", "eth0").output().contains(" " + vip + "/");
    }

    private void watchForTwoVipHolders() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        s.scheduleAtFixedRate(() -> {
            if (holdsVip(1) && holdsVip(2)) {
                violations.add(System.nanoTime() / 1_000_000 + " ms: both nodes hold the virtual IP");
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        vipSampler = s;
    }

    private ScheduledExecutorService vipSampler;

    /** PRIM (holding the lease) + up-to-date SECOND, from both nodes' logs; returns the PRIM. */
    private int awaitPair() throws IOException {
        await("PRIM + up-to-date SECOND").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> pair() != 0);
        return pair();
    }

    private int pair() throws IOException {
        for (int prim = 1; prim <= 2; prim++) {
            int sec = 3 - prim;
            String secLog = moduleLog(sec);
            String primLog = moduleLog(prim);
            if ("PRIM".equals(lastState(prim)) && "SECOND".equals(lastState(sec))
                    && secLog.lastIndexOf("data up to date with") > secLog.lastIndexOf("->SECOND")
                    && primLog.lastIndexOf("holding the witness lease") > primLog.lastIndexOf("->WAIT")
                    && runs(prim) && !runs(sec)) {
                return prim;
            }
        }
        return 0;
    }

    private void watchForTwoRunners() {
        sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            if (runs(1) && runs(2)) {
                violations.add(System.nanoTime() / 1_000_000 + " ms: both nodes run the management server");
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** Whether node {@code id}'s management server process exists and is not a zombie. */
    private static boolean runs(int id) {
        return ProcessHandle.allProcesses().anyMatch(h -> {
            try {
                Path proc = Path.of("/proc", Long.toString(h.pid()));
                String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                if (!cmd.contains("io.vigil.vms.SampleService") || !cmd.contains("node" + id + "\0")
                        || !cmd.contains("Management server")) {
                    return false;
                }
                String stat = Files.readString(proc.resolve("stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (IOException e) {
                return false; // exited while we looked
            }
        });
    }

    private String lastState(int id) throws IOException {
        Matcher m = STATE.matcher(moduleLog(id));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private String moduleLog(int id) throws IOException {
        Path log = cluster.dataDir(id).resolve("log/module.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
