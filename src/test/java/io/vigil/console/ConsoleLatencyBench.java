package io.vigil.console;

import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import io.vigil.demo.LocalCluster;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * bench/console-latency: from a state change in the daemon (the time its module log gives the
 * transition, "state=SECOND->STOP") to the change of that node's state badge in the browser's
 * DOM (a MutationObserver stamps it). Both clocks are this machine's wall clock. The SECOND node
 * is stopped and started again through its admin channel, one sample per transition it ends in.
 * Not part of the test suite (its name does not end in Test); run by the bench script.
 */
class ConsoleLatencyBench {

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @Test
    void consoleLatency() throws Exception {
        int samples = Integer.getInteger("bench.samples", 20);
        Path dir = Path.of(System.getProperty("bench.dir", "bench/out/console-latency")).toAbsolutePath();
        LocalCluster.deleteTree(dir);
        LocalCluster cluster = LocalCluster.create(LocalCluster.Settings.defaults(dir)
                .withPorts(OneNode.freeUdpPair(), OneNode.freeTcpPair(), OneNode.freeTcpPair()).withTimings(200, 1000).withoutEventServer());
        String password = LocalCluster.writeConsolePassword(dir.resolve("console-password"));
        int port = OneNode.freeTcp();
        cluster.enableConsole(port, OneNode.freeTcp(), dir.resolve("console-password"));
        List<Long> latencies = new ArrayList<>();
        try (cluster; Browser browser = Browser.open("en-US", dir.resolve("downloads"))) {
            cluster.start(1);
            cluster.start(2);
            int second = 3 - awaitPair(cluster);
            browser.login("http://127.0.0.1:" + port, password);
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.state(second).equals("SECOND"));
            observe(browser);
            while (latencies.size() < samples) {
                String word = latencies.size() % 2 == 0 ? "stop" : "start";
                NodeState target = word.equals("stop") ? NodeState.STOP : NodeState.SECOND;
                long since = System.currentTimeMillis();
                cluster.admin(second).command(word, null, "bench");
                await(word).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> browser.state(second).equals(target.name()));
                long daemon = transitionTime(cluster.dataDir(second).resolve("log/module.log"), target, since);
                long dom = domTime(browser, second, target, daemon);
                latencies.add(dom - daemon);
                System.err.printf(Locale.ROOT, "sample %2d: %s -> %s in the daemon, in the DOM %d ms later%n",
                        latencies.size(), word, target, dom - daemon);
            }
        }
        latencies.sort(Comparator.naturalOrder());
        System.out.printf(Locale.ROOT, "{\"bench\":\"console-latency\",\"samples\":%d,\"p50_ms\":%d,\"p95_ms\":%d}%n",
                latencies.size(), pct(latencies, 50), pct(latencies, 95));
        assertThat(latencies).hasSize(samples);
    }

    /** Records every change of a state badge with the wall-clock time it happened in the page. */
    private static void observe(Browser browser) {
        ((JavascriptExecutor) browser.driver).executeScript(
                "window.__changes = []; const last = {};"
                        + "const note = () => document.querySelectorAll('[id$=\"-state\"]').forEach(e => {"
                        + "  if (last[e.id] !== e.dataset.state) { last[e.id] = e.dataset.state;"
                        + "    window.__changes.push({id: e.id, state: e.dataset.state, t: Date.now()}); } });"
                        + "note(); new MutationObserver(note).observe(document.getElementById('nodes-body'),"
                        + " {childList: true, subtree: true, attributes: true});");
    }

    private static long domTime(Browser browser, int node, NodeState state, long notBefore) {
        Object t = ((JavascriptExecutor) browser.driver).executeScript(
                "const c = window.__changes.filter(x => x.id === arguments[0] && x.state === arguments[1]"
                        + " && x.t >= arguments[2]); return c.length ? c[0].t : -1;",
                "node-" + node + "-state", state.name(), notBefore);
        long ms = ((Number) t).longValue();
        assertThat(ms).as("DOM change to " + state + " recorded").isPositive();
        return ms;
    }

    /** When the daemon logged its transition into {@code state} (at or after {@code since}). */
    private static long transitionTime(Path log, NodeState state, long since) throws IOException {
        long found = -1;
        for (String line : Files.readAllLines(log)) {
            if (line.contains(" I state=") && line.contains("->" + state.name() + " ")) {
                long t = LocalDateTime.parse(line.substring(0, 23), LOG_TIME).atZone(ZoneId.systemDefault())
                        .toInstant().toEpochMilli();
                if (t >= since - 5) {
                    found = found < 0 ? t : Math.min(found, t);
                }
            }
        }
        assertThat(found).as("transition to " + state + " in " + log).isPositive();
        return found;
    }

    private static int awaitPair(LocalCluster cluster) {
        int[] prim = {0};
        await("PRIM + SECOND").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            DaemonStatus a = cluster.statusOrNull(1);
            DaemonStatus b = cluster.statusOrNull(2);
            if (a == null || b == null) {
                return false;
            }
            if (a.node().state() == NodeState.PRIM && b.node().state() == NodeState.SECOND) {
                prim[0] = 1;
            } else if (a.node().state() == NodeState.SECOND && b.node().state() == NodeState.PRIM) {
                prim[0] = 2;
            }
            return prim[0] != 0;
        });
        return prim[0];
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
