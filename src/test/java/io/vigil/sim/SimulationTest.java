package io.vigil.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random schedules of faults against the unchanged state machine. Invariants are
 * checked after every simulated action (see {@link SimWorld}); a failure prints its seed and the
 * command that replays it. {@code -Dsim.runs=N} sets the number of runs per suite.
 */
class SimulationTest {
    private static final int RUNS = Integer.getInteger("sim.runs", 5000);

    @Test
    void withAWitnessNoScheduleEverRunsTheServicesTwiceOrLosesAnAcknowledgedWrite() {
        long base = new SplittableRandom().nextLong();
        long acked = 0;
        for (int i = 0; i < RUNS; i++) {
            long seed = base + i;
            SimWorld w = new SimWorld(seed, SimWorld.Options.defaults(true));
            new Nemesis(w, true).run(12);
            acked += w.acknowledgedWrites();
        }
        assertThat(acked).as("the client got acknowledgements at all").isGreaterThan(RUNS * 10L);
    }

    @Test
    void withoutAWitnessNodesThatHearEachOtherNeverBothRunTheServicesAndTheyConverge() {
        long base = new SplittableRandom().nextLong();
        for (int i = 0; i < RUNS; i++) {
            SimWorld w = new SimWorld(base + i, SimWorld.Options.defaults(false));
            new Nemesis(w, true).run(12);
        }
    }

    @Test
    void fastProfileIsAsSafe() {
        // A failure here replays with -Dsim.fast=true added to the printed command.
        long base = new SplittableRandom().nextLong();
        for (int i = 0; i < RUNS / 4; i++) {
            SimWorld w = new SimWorld(base + i, new SimWorld.Options(true, 200, 1000, 300, 400, 1000));
            new Nemesis(w, true).run(12);
        }
    }

    /** Replays one seed: {@code mvn test -Dtest=SimulationTest#replay -Dsim.seed=N [-Dsim.witness=false]}. */
    @Test
    @EnabledIfSystemProperty(named = "sim.seed", matches = "-?\\d+")
    void replay() {
        long seed = Long.getLong("sim.seed");
        boolean witness = Boolean.parseBoolean(System.getProperty("sim.witness", "true"));
        SimWorld.Options options = Boolean.getBoolean("sim.fast")
                ? new SimWorld.Options(witness, 200, 1000, 300, 400, 1000) : SimWorld.Options.defaults(witness);
        SimWorld w = new SimWorld(seed, options);
        new Nemesis(w, true).run(12);
    }
}
