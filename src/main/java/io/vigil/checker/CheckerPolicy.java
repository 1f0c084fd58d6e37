package io.vigil.checker;

/**
 * Turns a stream of probe results into transitions, keepalived-style: {@code fall} consecutive
 * failures make a healthy target failed, {@code rise} consecutive successes make a failed target
 * healthy again, and the first {@code graceProbes} results after a start never count as failures.
 *
 * <p>Grace is counted in probes, not milliseconds, so a clock jump cannot shorten or stretch it
 * (STYLE: count missed intervals). The target starts healthy because a resource's checkers start
 * only once it has been found ready. Pure and single-threaded; {@link Checker} serialises calls.
 */
public final class CheckerPolicy {

    public enum Transition { NONE, FAILED, RECOVERED }

    private final int fall;
    private final int rise;
    private final long graceProbes;

    private long seen;
    private int failures;
    private int successes;
    private boolean failed;

    public CheckerPolicy(int fall, int rise, long graceProbes) {
        if (fall < 1 || rise < 1 || graceProbes < 0) {
            throw new IllegalArgumentException("fall and rise must be >= 1 and grace >= 0");
        }
        this.fall = fall;
        this.rise = rise;
        this.graceProbes = graceProbes;
    }

    /** The policy for a spec: the warm-up is rounded up to whole intervals. */
    public static CheckerPolicy of(CheckerSpec spec) {
        long grace = (spec.graceMs() + spec.intervalMs() - 1) / spec.intervalMs();
        return new CheckerPolicy(spec.fall(), spec.rise(), grace);
    }

    public Transition onResult(boolean ok) {
        boolean inGrace = seen < graceProbes;
        seen++;
        if (ok) {
            failures = 0;
            successes++;
            if (failed && successes >= rise) {
                failed = false;
                return Transition.RECOVERED;
            }
            return Transition.NONE;
        }
        successes = 0;
        if (inGrace) {
            return Transition.NONE;
        }
        failures++;
        if (!failed && failures >= fall) {
            failed = true;
            return Transition.FAILED;
        }
        return Transition.NONE;
    }

    public boolean failed() {
        return failed;
    }

    /** Counters cleared and grace begins again; {@code failedNow} says which state to start in. */
    public void reset(boolean failedNow) {
        seen = 0;
        failures = 0;
        successes = 0;
        failed = failedNow;
    }
}
