package io.vigil.it.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's two-host test: `vigil setup secondary` on node2, `setup primary` on node1, `setup
 * finish` on node2, each the real CLI in its own network namespace (not loopback), names resolved
 * from the hosts' /etc/hosts. Then the cluster as an administrator and a browser see it, and
 * `setup remove` on both nodes.
 */
@Tag("netns")
class NetnsSetupTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PAIR = Duration.ofSeconds(180);
    private TwoHostSetup s;

    @BeforeEach
    void lab() throws Exception {
        NetLab.requireRoot();
        s = TwoHostSetup.create("vgs", "setup-two-hosts");
    }

    @AfterEach
    void teardown() {
        if (s != null) {
            s.close();
        }
    }

    @Test
    void threeStepsAcrossTwoHostsFormTheClusterAndBothConsolesServeAndControlIt() throws Exception {
        Process secondary = s.secondary();
        String code = s.awaitCode();
        Cmd.Result primary = s.primary(code);
        assertThat(primary.exitCode()).as(primary.output()).isZero();
        assertThat(secondary.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(secondary.exitValue()).isZero();
        Cmd.Result finish = s.finish();
        assertThat(finish.exitCode()).as(finish.output()).isZero();
        long[] daemons = {0, TwoHostSetup.daemonPid(primary), TwoHostSetup.daemonPid(finish)};

        // Bounds for a loaded machine (initdb, then pg_basebackup to node2): typically 20-40 s.
        await("node1 PRIM, node2 SECOND uptodate").atMost(PAIR).pollInterval(Duration.ofMillis(500))
                .until(() -> s.pair(1));
        assertThat(s.holdsVip(1)).as("the PRIM holds the VIP").isTrue();

        // A browser on a third host: the exported certificate alone, hostname verification on.
        String vipBase = "https://" + s.vip() + ":9453";
        for (String base : new String[] {"https://node1:9453", "https://node2:9453", vipBase}) {
            JsonNode view = cluster(s.console(base));
            assertThat(view.path("nodes")).as(base).hasSize(2);
            for (JsonNode n : view.path("nodes")) {
                assertThat(n.path("reachable").asBoolean()).as(base + " sees node " + n.path("id")).isTrue();
                assertThat(n.path("name").asText()).isEqualTo("node" + n.path("id").asInt());
            }
        }
        assertThat(state(cluster(s.console("https://node2:9453")), 1)).isEqualTo("PRIM");

        // `vigil status --cluster` on node2: its own Unix socket, relayed to node1 over the admin channel.
        Cmd.Result both = s.run("node2", "status", "--cluster", "--config", s.config(2).toString());
        assertThat(both.exitCode()).as(both.output()).isZero();
        assertThat(both.output()).contains("node1").contains("PRIM").contains("node2").contains("SECOND");

        // Node2's console swaps the roles: node2 takes the services and the VIP.
        Cmd.Result swap = s.console("https://node2:9453", "1", "swap");
        assertThat(swap.exitCode()).as(swap.output()).isZero();
        await("node2 PRIM, node1 SECOND uptodate").atMost(PAIR).pollInterval(Duration.ofMillis(500))
                .until(() -> s.pair(2));
        await("the VIP moved to node2").atMost(Duration.ofSeconds(10)).until(() -> s.holdsVip(2) && !s.holdsVip(1));

        // Back to standalone: stop both daemons (the SECOND first, then the node holding the VIP), then
        // `setup remove` on each.
        for (int id = 1; id <= 2; id++) {
            stop(daemons[id]);
            Cmd.Result removed = s.run("node" + id, "setup", "remove", "--config", s.config(id).toString());
            assertThat(removed.exitCode()).as(removed.output()).isZero();
            assertThat(removed.output()).contains("this node is standalone");
            assertThat(s.config(id)).doesNotExist();
            assertThat(s.config(id).resolveSibling("cluster.key")).doesNotExist();
            assertThat(s.dataDir(id).resolve("tls")).as("certificates kept").isDirectory();
            assertThat(s.holdsVip(id)).as("node" + id + ", stopped, no longer holds the VIP (node2 held it)").isFalse();
        }
    }

    private static JsonNode cluster(Cmd.Result probe) throws Exception {
        assertThat(probe.exitCode()).as(probe.output()).isZero();
        String line = probe.output().lines().filter(l -> l.startsWith("cluster ")).findFirst().orElseThrow();
        return JSON.readTree(line.substring("cluster ".length()));
    }

    private static String state(JsonNode view, int id) {
        for (JsonNode n : view.path("nodes")) {
            if (n.path("id").asInt() == id) {
                return n.path("status").path("node").path("state").asText();
            }
        }
        return null;
    }

    /** SIGTERM, as a service manager stops a node; waits for it to finish stopping its services. */
    private static void stop(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroy();
            await("node process " + pid + " stops").atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive());
        });
    }
}
