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
 * The ping-target witness on a real network: the nodes' witness is a gateway host they ping. What
 * it must guarantee: a PRIM cut off from its peer and from the gateway stops its services, and the
 * other node takes them over, never both at once; a silent gateway alone moves nothing.
 */
@Tag("netns")
class NetnsPingWitnessTest {
    private LabCluster c;

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        NetLab lab = NetLab.create("vgp", "gateway", "node1", "node2", "client");
        try {
            c = LabCluster.create(lab, info.getTestMethod().orElseThrow().getName(), LocalCluster.Settings::defaults,
                    p -> p.withPingWitness(lab.ip("gateway")));
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        c.cluster.start(1);
        c.cluster.start(2);
    }

    @AfterEach
    void teardown() throws Exception {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void aPrimIsolatedFromPeerAndGatewayStopsItsServicesAndTheOtherNodeTakesOver() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        assertThat(c.moduleLog(prim)).contains("witness: ping target " + c.lab.ip("gateway"));
        c.watchForTwoRunners();
        c.watchForTwoVipHolders();
        c.lab.partition("node" + prim, "node" + other);
        c.lab.partition("node" + prim, "gateway");
        await("node" + other + " runs the services").atMost(Duration.ofSeconds(30)).until(() -> c.runs(other));
        assertThat(c.runs(prim)).as("the isolated PRIM fenced itself").isFalse();
        assertThat(c.moduleLog(prim)).contains("FENCED", "ping witness " + c.lab.ip("gateway") + " does not answer");
        assertThat(c.moduleLog(other)).contains("may still hold its lease; taking over in");
        await("the client is served by node" + other + " through the VIP").atMost(Duration.ofSeconds(10))
                .until(() -> c.curlVip().contains("served by node" + other));
        assertThat(c.violations).as("never both").isEmpty();
    }

    @Test
    void aGatewayThatStopsAnsweringMovesNothingWhileTheNodesSeeEachOther() throws Exception {
        int prim = c.awaitPair();
        c.watchForTwoRunners();
        c.lab.linkDown("gateway");
        await("PRIM notices the silent gateway").atMost(Duration.ofSeconds(10))
                .until(() -> c.moduleLog(prim).contains("does not answer"));
        await("nothing moves").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
                .until(() -> c.runs(prim) && !c.runs(3 - prim)
                        && "SECOND".equals(c.lastState(3 - prim)) && "PRIM".equals(c.lastState(prim)));
        assertThat(c.violations).isEmpty();
    }
}
