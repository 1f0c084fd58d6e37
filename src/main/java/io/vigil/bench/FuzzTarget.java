package io.vigil.bench;

import java.util.SplittableRandom;

/**
 * One decoder under {@link Fuzz}: makes a case from a seeded random source, then feeds it through
 * the decoder's real entry point. {@link #feed} returns normally for an accepted or a rejected
 * input; any exception it lets out is a crash (each target catches only its decoder's documented
 * rejection type), and a call that does not return in time is a hang.
 */
interface FuzzTarget extends AutoCloseable {

    /** What happened to one case. */
    enum Outcome {
        /** The decoder accepted the input (a valid or an authenticated message). */
        ACCEPTED,
        /** The decoder refused it with its documented rejection. */
        REJECTED,
        /** Unauthenticated input changed what the node or the witness shows: a hole. */
        STATE_CHANGE
    }

    /** The outcome; for a state change, a short kind (counted in the report) and what changed. */
    record Verdict(Outcome outcome, String kind, String detail) {
        static final Verdict ACCEPTED = new Verdict(Outcome.ACCEPTED, "", "");
        static final Verdict REJECTED = new Verdict(Outcome.REJECTED, "", "");

        static Verdict stateChange(String kind, String what) {
            return new Verdict(Outcome.STATE_CHANGE, kind, what);
        }
    }

    /** Name in the report, e.g. "heartbeat". */
    String name();

    /** The case's bytes, a pure function of {@code r}: a seed replays it. */
    byte[] generate(SplittableRandom r);

    /** Runs the case; see the class comment for what counts as a crash. */
    Verdict feed(byte[] input) throws Exception;

    /** How long a case may take before it counts as a hang (the run's deadline applies when longer). */
    default long timeoutMs() {
        return 0;
    }

    /** Releases sockets and temporary files; the default holds none. */
    @Override
    default void close() throws Exception {
    }
}
