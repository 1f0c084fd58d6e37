package io.vigil.it.net;

import io.vigil.api.CommandResult;
import io.vigil.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.awaitility.Awaitility.await;

/**
 * bench/rolling-upgrade (not part of the test suite: run by the bench script). Issue 15's procedure
 * on two namespace hosts with a witness, while {@link ChaosRun}'s database client sends numbered
 * configuration changes through the VIP to the reference VMS on the replicated PostgreSQL: the
 * SECOND is stopped and started again as the next protocol version (this build with the test-only
 * {@code -Dvigil.protocol.version}), the nodes swap, the other node follows. The same checks as
 * the chaos run: every acknowledged change in both databases, the longest time without an
 * acknowledged change.
 */
class RollingUpgradeBench {
    private static final int NEXT = ProtocolVersion.current() + 1;
    private static final Duration PAIR = Duration.ofSeconds(300);

    @Test
    void rollingUpgrade() throws Exception {
        NetLab.requireRoot();
        long[] procedureMs = {0};
        ChaosRun.Result r = ChaosRun.run("rolling-upgrade-bench", 0, 0, ChaosRun.Mode.DATABASE, true, (c, log) -> {
            long t0 = System.nanoTime();
            int prim = awaitPair(c);
            int second = 3 - prim;
            upgrade(c, second, log);
            awaitPair(c);
            // A long deadline, never a retry (a second swap would move the services back); the machine may be loaded.
            CommandResult swap = io.vigil.admin.AdminClient.local(c.cluster.adminSocket(prim), 60_000)
                    .command("swap", null, "rolling-upgrade bench");
            log.println("swap: " + swap.accepted() + " " + swap.message());
            if (!swap.accepted()) {
                throw new IllegalStateException("swap refused: " + swap.message());
            }
            await("node" + second + " PRIM after the swap").atMost(PAIR).pollInterval(Duration.ofMillis(500))
                    .until(() -> c.pairFromStatus() == second);
            upgrade(c, prim, log);
            awaitPair(c);
            procedureMs[0] = (System.nanoTime() - t0) / 1_000_000;
        }, System.out);
        List<String> problems = r.problems();
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        System.out.printf(Locale.ROOT, "{\"bench\":\"rolling-upgrade\",\"seconds\":%.1f,\"max_unavailable_ms\":%d,"
                        + "\"lost\":%d,\"lost_on_second\":%d,\"acked\":%d,\"converged\":%b}%n", procedureMs[0] / 1000.0,
                r.maxUnavailableMs(), r.lost(), r.db().lostOnSecond(), r.acked(), r.converged());
    }

    /** Stops node {@code id} as an operator would (SIGTERM) and starts it as the next protocol version. */
    private static void upgrade(LabCluster c, int id, PrintStream log) throws Exception {
        log.println("upgrade: node" + id + " to protocol " + NEXT + " at " + System.nanoTime() / 1_000_000 + " ms");
        c.cluster.stop(id);
        c.cluster.start(id, List.of("-D" + ProtocolVersion.TEST_PROPERTY + "=" + NEXT));
    }

    private static int awaitPair(LabCluster c) {
        await("PRIM + up-to-date SECOND").atMost(PAIR).pollInterval(Duration.ofMillis(500))
                .until(() -> c.pairFromStatus() != 0);
        return c.pairFromStatus();
    }
}
