package io.vigil.protocol;

/**
 * The one Vigil protocol version and its window (issue 15: upgrade one node at a time). Every
 * message between the nodes and to the witness carries it: the heartbeat's version byte, the
 * witness lease's protocol byte, the admin channel's {@code "protocol"} field and the directory
 * replication hello. A node of protocol N talks to N-1, N and N+1, so a cluster can run N and N+1
 * while the SECOND is upgraded, swapped and the other node follows; N and N+2 refuse each other
 * with a message naming both versions and which node to upgrade first.
 *
 * <p>Each release that changes what a channel sends bumps {@link #RELEASED} and keeps reading what
 * the previous version sends. Protocol 5 is the first with a window: the versions before it were
 * per channel (heartbeat 1-2, witness 1-2, admin 1-3, replication 1-4), so anything below
 * {@link #FIRST_WINDOWED} is a Vigil from before rolling upgrades, upgraded once with an outage.
 *
 * <p>{@value #TEST_PROPERTY} overrides the version, read once at start: for tests only (a process
 * test runs "N+1" and "N+2" nodes built from this same tree). Never set it on a production node:
 * it would claim to speak a protocol whose messages it does not know.
 */
public final class ProtocolVersion {
    /** The protocol this build speaks. */
    public static final int RELEASED = 5;
    /** The first protocol with a window; versions below it never talk to this build. */
    public static final int FIRST_WINDOWED = 5;
    /** Test-only override of {@link #current()} (a whole number, at least {@link #FIRST_WINDOWED}). */
    public static final String TEST_PROPERTY = "vigil.protocol.version";

    private static final int CURRENT = fromProperty(System.getProperty(TEST_PROPERTY));

    private ProtocolVersion() {
    }

    /** The version this process speaks: {@link #RELEASED}, or the test-only override. */
    public static int current() {
        return CURRENT;
    }

    /** Whether a node of protocol {@code ours} talks to one of protocol {@code theirs}. */
    public static boolean accepts(int ours, int theirs) {
        return theirs >= FIRST_WINDOWED && Math.abs((long) ours - theirs) <= 1;
    }

    /**
     * Why a node of protocol {@code ours} refuses {@code who} of protocol {@code theirs}, and what
     * to do: both versions, the window, and which node to upgrade first.
     *
     * @param who names the other end as the reader knows it ("node 2 at 10.0.0.2", "the witness")
     */
    public static String refusal(int ours, String who, int theirs) {
        if (theirs < FIRST_WINDOWED) {
            return who + " speaks protocol " + theirs + ", this node " + ours + ": it is a Vigil from before rolling"
                    + " upgrades (protocol " + FIRST_WINDOWED + "); from that old a version, upgrade both nodes together"
                    + " (one short outage)";
        }
        String window = " (protocol " + ours + " talks to " + Math.max(FIRST_WINDOWED, ours - 1) + ".." + (ours + 1) + ")";
        String older = theirs < ours ? who : "this node";
        int from = Math.min(ours, theirs);
        return who + " speaks protocol " + theirs + ", this node " + ours + ": more than one version apart"
                + window + "; upgrade " + older + " from protocol " + from + " to " + (from + 1) + " first";
    }

    /** Reads the override; a bad one stops the process at start with what to fix. */
    static int fromProperty(String value) {
        if (value == null || value.isBlank()) {
            return RELEASED;
        }
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + TEST_PROPERTY + "=" + value + " is not a whole number;"
                    + " it is for tests only: remove it", e);
        }
        if (v < FIRST_WINDOWED || v > 200) {
            throw new IllegalArgumentException("-D" + TEST_PROPERTY + "=" + v + " is outside " + FIRST_WINDOWED
                    + "..200; it is for tests only: remove it");
        }
        return v;
    }
}
