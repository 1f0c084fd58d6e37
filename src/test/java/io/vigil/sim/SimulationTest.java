package io.vigil.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random schedules of faults against the production state machine, event loop,
 * effect runner, heartbeat codec and replay guard (see {@link SimHost}). Invariants are checked
 * after every simulated action (see {@link SimWorld}); a failure prints its seed and the command
 * that replays it. Each suite logs its base seed first, so a red CI run can be repeated whole
 * with {@code -Dsim.base=N}. {@code -Dsim.runs=N} sets the number of runs per suite.
 */
class SimulationTest {
    private static final Logger log = LoggerFactory.getLogger(SimulationTest.class);
    private static final int RUNS = Integer.getInteger("sim.runs", 5000);

    /** A random base seed, or {@code -Dsim.base}; logged either way. */
    private static long baseSeed(TestInfo test) {
        Long fixed = Long.getLong("sim.base");
        long base = fixed != null ? fixed : new SplittableRandom().nextLong();
        log.info("{}: base seed {} (repeat this suite: -Dsim.base={}; one run: -Dsim.seed=base+i)",
                test.getDisplayName(), base, base);
        return base;
    }

    @Test
    void withAWitnessNoScheduleEverRunsTheServicesTwiceOrLosesAnAcknowledgedWrite(TestInfo test) {
        long base = baseSeed(test);
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
    void withoutAWitnessNodesThatHearEachOtherNeverBothRunTheServicesAndTheyConverge(TestInfo test) {
        long base = baseSeed(test);
        for (int i = 0; i < RUNS; i++) {
            SimWorld w = new SimWorld(base + i, SimWorld.Options.defaults(false));
            new Nemesis(w, true).run(12);
        }
    }

    @Test
    void fastProfileIsAsSafe(TestInfo test) {
        // A failure here replays with -Dsim.fast=true added to the printed command.
        long base = baseSeed(test);
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
