package io.vigil.it.net;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run's short version for CI: 20 seeded random faults at a quicker pace than bench/chaos
 * (which runs 100). A failure names its seed; replay it with {@code -Dchaos.seed=SEED}.
 */
@Tag("netns")
class ChaosTest {

    @Test
    void twentyRandomFaultsLoseNoAcknowledgedRecordNeverRunTwoPrimariesAndConverge() throws Exception {
        NetLab.requireRoot();
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.err.println("ChaosTest seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
        ChaosRun.Result r = ChaosRun.run("chaos-test", seed, 20, new ChaosRun.Pacing(1000, 4000, 1000, 4000),
                System.err);
        System.err.println(r.json());
        String replay = "seed " + seed + " (replay with -Dchaos.seed=" + seed + "), problems " + r.problems();
        assertThat(r.acked()).as("the client got writes through; " + replay).isGreaterThan(100);
        assertThat(r.lost()).as("acknowledged records lost; " + replay).isZero();
        assertThat(r.dualPrimaryMs()).as("time with two nodes running the services; " + replay).isZero();
        assertThat(r.vipTwiceMs()).as("time with the VIP on both nodes; " + replay).isZero();
        assertThat(r.clientDualMs()).as("time the client was served by both nodes; " + replay).isZero();
        assertThat(r.converged()).as("PRIM + SECOND within 60 s of the last heal; " + replay).isTrue();
    }
}
