package io.vigil.it.net;

import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC §4 / issue 4: the PRIM's daemon frozen (SIGSTOP) for 40 s, far past its lease, then resumed.
 * Checked from the nodes (processes, addresses) and from the client: no ARP request is ever answered
 * by two hosts, and once the client is served by the other node it is never served by the paused
 * one again (a resumed daemon acting on its expired lease would show up as a flip back).
 */
@Tag("netns")
class NetnsLongPauseTest {
    private static final Duration PAUSE = Duration.ofSeconds(40);
    private LabCluster c;
    private volatile boolean probing = true;
    private final List<String> served = new CopyOnWriteArrayList<>();
    private final List<String> arpViolations = new CopyOnWriteArrayList<>();
    private final List<String> arpAnswers = new CopyOnWriteArrayList<>();
    private final List<Thread> probes = new ArrayList<>();

    @BeforeEach
    void lab(TestInfo info) throws Exception {
        NetLab.requireRoot();
        NetLab lab = NetLab.create("vgl", "witness", "node1", "node2", "client");
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
        probing = false;
        for (Thread t : probes) {
            t.join(5000);
        }
        if (c != null) {
            c.close();
        }
    }

    @Test
    void aPrimPausedFortySecondsNeverRunsOrAnswersBesideItsPeerBeforeOrAfterItResumes() throws Exception {
        int prim = c.awaitPair();
        int other = 3 - prim;
        c.watchForTwoRunners();
        c.watchForTwoVipHolders();
        watchFromTheClient();
        await("the client is served by node" + prim).atMost(Duration.ofSeconds(10))
                .until(() -> served.contains("node" + prim));

        long pausedAt = System.nanoTime();
        c.cluster.pauseDaemon(prim, true);
        await("node" + other + " holds the VIP").atMost(Duration.ofSeconds(30)).until(() -> c.holdsVip(other));
        Duration left = PAUSE.minusNanos(System.nanoTime() - pausedAt);
        await("the paused PRIM holds nothing for the rest of its 40 s").during(left).atMost(left.plusSeconds(5))
                .until(() -> !c.runs(prim) && !c.holdsVip(prim) && c.runs(other));
        c.cluster.pauseDaemon(prim, false);

        await("node" + prim + " back as SECOND").atMost(Duration.ofSeconds(30))
                .until(() -> "SECOND".equals(c.lastState(prim)));
        await("and it stays out of the way").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> !c.runs(prim) && !c.holdsVip(prim) && c.curlVip().contains("served by node" + other));
        probing = false;
        for (Thread t : probes) {
            t.join(5000);
        }
        assertThat(c.violations).as("never two runners or VIP holders (node side)").isEmpty();
        assertThat(arpViolations).as("never two ARP answers for the VIP (client side)").isEmpty();
        assertThat(arpAnswers).as("the ARP probe heard both holders in turn").contains("node" + prim, "node" + other);
        assertThat(served).as("the client saw both nodes").contains("node" + prim, "node" + other);
        int firstOther = served.indexOf("node" + other);
        assertThat(served.subList(firstOther, served.size())).as("never served by node" + prim + " again")
                .doesNotContain("node" + prim);
    }

    /** Two client threads: which node serves the VIP (every 200 ms), and who answers ARP for it. */
    private void watchFromTheClient() {
        ArpProbe arp = new ArpProbe(c.lab);
        probes.add(start("vip-curl", () -> {
            String body = c.curlVip();
            int i = body.indexOf("served by ");
            if (i >= 0) {
                served.add(body.substring(i + 10).split(" ")[0]);
            }
            sleepMs(200);
        }));
        probes.add(start("vip-arp", () -> {
            List<String> answering = arp.hostsAnswering("client", c.vip);
            arpAnswers.addAll(answering);
            if (answering.size() > 1) {
                arpViolations.add(System.nanoTime() / 1_000_000 + " ms: ARP answered by " + answering);
            }
        }));
    }

    private Thread start(String name, Runnable probe) {
        Thread t = new Thread(() -> {
            while (probing) {
                probe.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms); // the probe's own sampling period, not a wait for a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
