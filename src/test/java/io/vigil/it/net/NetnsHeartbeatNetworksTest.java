package io.vigil.it.net;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two heartbeat networks (two bridges, eth0 and eth1 in every host; the witness and the VIP on
 * network 0): the peer is lost only when it is silent on both (SPEC §2).
 */
@Tag("netns")
class NetnsHeartbeatNetworksTest {
    private LabCluster c;

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        NetLab lab = NetLab.create("vgh", 2, "witness", "node1", "node2", "client");
        try {
            c = LabCluster.create(lab, info.getTestMethod().orElseThrow().getName(),
                    dir -> LocalCluster.Settings.defaults(dir).withWitness(4850),
                    p -> p.withNetwork(List.of(lab.ip("witness", 1), lab.ip("node1", 1), lab.ip("node2", 1))));
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        c.cluster.startWitness();
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
    void cuttingEitherNetworkMovesNothingAndCuttingBothFailsOver() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        c.watchForTwoRunners();
        c.watchForTwoVipHolders();

        c.lab.linkDown("node" + prim, 1);
        assertNothingMoves(prim);
        c.lab.linkUp("node" + prim, 1);

        // Network 0 also carries the witness: the PRIM keeps the services on the peer's grant alone.
        c.lab.linkDown("node" + prim, 0);
        assertNothingMoves(prim);
        assertThat(c.moduleLog(prim)).contains("peer node" + other + " present").doesNotContain("FENCED");

        c.lab.linkDown("node" + prim, 1);
        await("node" + other + " takes over").atMost(Duration.ofSeconds(30)).until(() -> c.runs(other));
        assertThat(c.runs(prim)).as("the isolated PRIM fenced itself").isFalse();
        await("the client is served by node" + other + " through the VIP").atMost(Duration.ofSeconds(10))
                .until(() -> c.curlVip().contains("served by node" + other));

        c.lab.linkUp("node" + prim);
        await("node" + prim + " back as SECOND").atMost(Duration.ofSeconds(40))
                .until(() -> "SECOND".equals(c.lastState(prim)));
        assertThat(c.violations).as("never two runners or two VIP holders").isEmpty();
    }

    private void assertNothingMoves(int prim) {
        await("nothing moves while one network carries the heartbeats").during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(10))
                .until(() -> c.runs(prim) && !c.runs(3 - prim) && "PRIM".equals(c.lastState(prim))
                        && "SECOND".equals(c.lastState(3 - prim)));
    }
}
