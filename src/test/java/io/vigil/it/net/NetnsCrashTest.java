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
 * kill -9 of the PRIM's whole process group (daemon and services) on a host that stays up: the
 * fencing watchdog, in a session of its own, outlives the group and removes the virtual IP, so
 * the address is never on both nodes once the peer takes it (regression found by the chaos run).
 */
@Tag("netns")
class NetnsCrashTest {
    private LabCluster c;

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        NetLab lab = NetLab.create("vgk", "witness", "node1", "node2", "client");
        try {
            c = LabCluster.create(lab, info.getTestMethod().orElseThrow().getName(),
                    dir -> LocalCluster.Settings.defaults(dir).withWitness(4850), p -> p);
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
    void aKilledProcessGroupLeavesNoVirtualIpBehindForThePeerToCollideWith() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        c.watchForTwoVipHolders();
        c.watchForTwoRunners();
        c.cluster.kill(prim);
        await("the watchdog removes node" + prim + "'s VIP").atMost(Duration.ofSeconds(2))
                .until(() -> !c.holdsVip(prim));
        await("node" + other + " takes over").atMost(Duration.ofSeconds(30))
                .until(() -> c.holdsVip(other) && c.runs(other));
        assertThat(c.holdsVip(prim)).isFalse();
        assertThat(c.violations).isEmpty();
    }
}
