package io.vigil.it.net;

import org.junit.jupiter.api.Test;

/**
 * bench/chaos (not part of the test suite: run by the bench script). {@code -Dbench.faults=N}
 * (default 100) faults from {@code -Dbench.seed} (default: the clock), held 2-8 s each, the next
 * 2-6 s after the heal. Ends with the one JSON line of {@link ChaosRun.Result#json()}.
 */
class ChaosBench {
    @Test
    void chaos() throws Exception {
        NetLab.requireRoot();
        long seed = Long.getLong("bench.seed", System.currentTimeMillis());
        int faults = Integer.getInteger("bench.faults", 100);
        System.out.println("chaos seed " + seed + ", " + faults + " faults");
        ChaosRun.Result r = ChaosRun.run("chaos-bench", seed, faults, new ChaosRun.Pacing(2000, 8000, 2000, 6000),
                System.out);
        System.out.println(r.json());
    }
}
