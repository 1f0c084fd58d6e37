package io.vigil.it.net;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * bench/setup (not part of the test suite: run by the bench script). The three setup steps as
 * {@link NetnsSetupTest} types them, between two namespace hosts, with the internal database
 * (empty: initdb on node1, pg_basebackup to node2): the time from nothing (before `setup
 * secondary`) to node1 PRIM with its services running and node2 SECOND up to date, read from
 * `vigil status` on both nodes. Also reports each step and the machine's load, since a loaded
 * machine stretches every JVM start and the database copy.
 */
class SetupBench {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    @Test
    void setup() throws Exception {
        NetLab.requireRoot();
        double load = loadAverage();
        try (TwoHostSetup s = TwoHostSetup.create("vgsb", "setup-bench")) {
            long t0 = System.nanoTime();
            Process secondary = s.secondary();
            String code = s.awaitCode();
            long codeShown = System.nanoTime();
            Cmd.Result primary = s.primary(code);
            assertThat(primary.exitCode()).as(primary.output()).isZero();
            long primaryDone = System.nanoTime();
            assertThat(secondary.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Cmd.Result finish = s.finish();
            assertThat(finish.exitCode()).as(finish.output()).isZero();
            long finishDone = System.nanoTime();
            await("node1 PRIM, node2 SECOND uptodate").atMost(LIMIT).pollInterval(Duration.ofMillis(250))
                    .until(() -> s.pair(1));
            long paired = System.nanoTime();
            System.out.printf(Locale.ROOT, "{\"bench\":\"setup\",\"seconds\":%.1f,\"database\":\"internal\","
                            + "\"secondary_to_code_s\":%.1f,\"primary_s\":%.1f,\"finish_s\":%.1f,"
                            + "\"finish_to_pair_s\":%.1f,\"target_s\":60,\"load_average_1m\":%.1f}%n",
                    secs(t0, paired), secs(t0, codeShown), secs(codeShown, primaryDone), secs(primaryDone, finishDone),
                    secs(finishDone, paired), load);
        }
    }

    private static double secs(long from, long to) {
        return (to - from) / 1e9;
    }

    private static double loadAverage() throws java.io.IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
