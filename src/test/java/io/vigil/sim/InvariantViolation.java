package io.vigil.sim;

import java.util.List;

/** A broken safety or liveness property, with the seed that replays it. */
public final class InvariantViolation extends AssertionError {
    private final long seed;

    /** @param replayFlags what the replay command needs besides the seed (" -Dsim.witness=false"), or "" */
    InvariantViolation(long seed, long atMs, String message, List<String> trace, String replayFlags) {
        super("seed=" + seed + " t=" + atMs + "ms: " + message
                + "\nreplay: mvn test -Dtest=SimulationTest#replay -Dsim.seed=" + seed + replayFlags
                + "\nrecent trace:\n" + String.join("\n", trace));
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }
}
