package io.vigil.it.net;

import org.junit.jupiter.api.Test;

/**
 * bench/chaos (not part of the test suite: run by the bench script). {@code -Dbench.faults=N}
 * (default 100) faults from {@code -Dbench.seed} (default: the clock), held 2-8 s each, the next
 * 2-6 s after the heal; {@code -Dbench.mode=database|records} (default database),
 * {@code -Dbench.witness=false} for a run without a witness (split brains happen: the JSON says
 * what they threw away and kept aside). Ends with the one JSON line of {@link ChaosRun.Result#json()}.
 */
class ChaosBench {
    @Test
    void chaos() throws Exception {
        NetLab.requireRoot();
        long seed = Long.getLong("bench.seed", System.currentTimeMillis());
        int faults = Integer.getInteger("bench.faults", 100);
        ChaosRun.Mode mode = ChaosRun.Mode.parse(System.getProperty("bench.mode", "database"));
        boolean witness = Boolean.parseBoolean(System.getProperty("bench.witness", "true"));
        System.out.println("chaos seed " + seed + ", " + faults + " faults, mode " + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (witness ? "" : ", no witness"));
        ChaosRun.Result r = ChaosRun.run("chaos-bench", seed, faults, new ChaosRun.Pacing(2000, 8000, 2000, 6000), mode,
                witness, System.out);
        System.out.println(r.json());
    }
}
