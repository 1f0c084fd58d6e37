package io.vigil.it.net;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real `vigil node` daemons and a real `vigil witness`, each in its own network namespace on a
 * test bridge, with a client host. Faults are cut links and partitions. What runs where is read
 * from the operating system (the sample services' processes), not from what the nodes claim.
 */
@Tag("netns")
class NetnsClusterTest {
    private LabCluster c;
    private LocalCluster cluster;
    private NetLab lab;
    private String vip;

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        lab = NetLab.create("vgc", "witness", "node1", "node2", "client");
        try {
            c = LabCluster.create(lab, info.getTestMethod().orElseThrow().getName(),
                    dir -> LocalCluster.Settings.defaults(dir).withWitness(4850), p -> p);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        cluster = c.cluster;
        vip = c.vip;
        cluster.startWitness();
        cluster.start(1);
        cluster.start(2);
    }

    @AfterEach
    void teardown() throws Exception {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void aPartitionBetweenTheNodesLeavesExactlyOneOfThemRunningTheServices() throws Exception {
        int prim = c.awaitPair();
        c.watchForTwoRunners();
        lab.partition("node1", "node2");
        await("the lease holder keeps the services, the other does not take them").during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(12)).until(() -> c.runs(prim) && !c.runs(3 - prim));
        lab.heal("node1", "node2");
        c.awaitPair();
        assertThat(c.violations).isEmpty();
    }

    @Test
    void aPrimIsolatedFromPeerAndWitnessStopsItsServicesBeforeTheOtherStartsThem() throws Exception {
        int prim = c.awaitPair();
        String p = "node" + prim;
        c.watchForTwoRunners();
        lab.partition(p, "node" + (3 - prim));
        lab.partition(p, "witness");
        await("the other node runs the services").atMost(Duration.ofSeconds(30)).until(() -> c.runs(3 - prim));
        assertThat(c.runs(prim)).as("the isolated PRIM fenced itself").isFalse();
        assertThat(c.violations).as("never both").isEmpty();
        assertThat(c.moduleLog(prim)).contains("FENCED");
    }

    @Test
    void powerLossOfThePrimMovesTheServiceAndTheClientReachesItOnTheOtherNode() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        lab.linkDown("node" + prim);
        await("client reaches the service on node" + other).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> lab.result("client", "curl", "-s", "-m", "1",
                        "http://" + lab.ip("node" + other) + ":18080/").output().contains("served by node" + other));
        lab.linkUp("node" + prim);
        await("back as SECOND").atMost(Duration.ofSeconds(40)).until(() -> "SECOND".equals(c.lastState(prim)));
    }

    @Test
    void theVirtualIpFollowsTheServicesAndOnlyOneNodeEverAnswersArpForIt() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        ArpProbe arp = new ArpProbe(lab);
        await("the client reaches node" + prim + " through the VIP").atMost(Duration.ofSeconds(10))
                .until(() -> c.curlVip().contains("served by node" + prim));
        assertThat(arp.whoHas("client", vip)).containsExactly(arp.macOf("node" + prim));
        c.watchForTwoVipHolders();
        lab.linkDown("node" + prim);
        await("the client reaches node" + other + " through the VIP").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> c.curlVip().contains("served by node" + other));
        assertThat(arp.whoHas("client", vip)).containsExactly(arp.macOf("node" + other));
        assertThat(c.holdsVip(prim)).as("node" + prim + " lost the VIP with its services").isFalse();
        assertThat(c.violations).isEmpty();
    }

    @Test
    void aPrimPausedPastItsLeaseNeverHoldsTheVirtualIpTogetherWithItsPeer() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        c.watchForTwoVipHolders();
        c.watchForTwoRunners();
        cluster.pauseDaemon(prim, true);
        await("node" + other + " holds the VIP").atMost(Duration.ofSeconds(30)).until(() -> c.holdsVip(other));
        assertThat(c.holdsVip(prim)).as("the watchdog removed the paused node's VIP").isFalse();
        cluster.pauseDaemon(prim, false);
        await("back as SECOND").atMost(Duration.ofSeconds(30)).until(() -> "SECOND".equals(c.lastState(prim)));
        assertThat(c.holdsVip(prim)).isFalse();
        // A 1 s curl can miss on a loaded machine (the ARP entry moving, a slow first answer): poll.
        await("the VIP served by node" + other).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> c.curlVip().contains("served by node" + other));
        assertThat(c.violations).isEmpty();
    }
}
