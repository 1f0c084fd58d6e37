package io.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short run of bench/fuzz (issue 10): every network decoder on a few thousand generated and
 * mutated inputs, with a fixed seed; not one crash, hang or state change from input that is not
 * authentic. A failure names each finding (decoder, case, input in hex) and the command that
 * replays the run.
 */
class FuzzTest {

    private static final long CASES = 5_000;
    private static final long SEED = 20_261_207;

    @TempDir
    Path work;

    @Test
    void no_network_decoder_crashes_hangs_or_lets_unauthentic_input_change_state() throws Exception {
        List<String> log = new ArrayList<>();

        Fuzz.Report r = Fuzz.run(CASES, SEED, Fuzz.CASE_TIMEOUT_MS, work, log::add);

        // The harness's own log: each kind of finding with its input in hex and its stack.
        String replay = "replay with: bench/fuzz " + CASES + " " + SEED + "\n" + String.join("\n", log);
        assertThat(r.cases()).isEqualTo(CASES);
        assertThat(r.perDecoder()).containsOnlyKeys("heartbeat", "witness", "admin", "admin-client", "console",
                "dirsync-handshake", "dirsync");
        for (Map.Entry<String, Fuzz.Counts> e : r.perDecoder().entrySet()) {
            assertThat(e.getValue().cases).as("cases fed to %s", e.getKey()).isGreaterThan(50);
            assertThat(e.getValue().rejected).as("inputs %s rejected", e.getKey()).isPositive();
        }
        assertSoftly(s -> { // all three at once: a failure should show every kind of finding
            s.assertThat(r.crashes()).as("crashes").isZero();
            s.assertThat(r.hangs()).as("hangs").isZero();
            s.assertThat(r.stateChanges()).as("state changes; %s", replay).isZero();
        });
    }
}
