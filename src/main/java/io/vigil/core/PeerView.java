package io.vigil.core;

/**
 * What this node knows about its peer, and the failure detector.
 *
 * <p>Loss is decided by counting heartbeat intervals in which nothing arrived (JGroups FD_ALL3),
 * never by comparing timestamps: a clock jump or a paused process counts as at most one missed
 * interval, so neither causes a failover by itself.
 */
final class PeerView {
    private final int missedForLoss;
    private Heartbeat last;
    private long lastHeardAtMs = -1;
    private boolean heardSinceCheck;
    private int missed;
    private boolean lost = true;

    PeerView(int missedForLoss) {
        this.missedForLoss = missedForLoss;
    }

    /** Records a heartbeat. Returns true if the peer was lost (or never heard) before. */
    boolean heard(Heartbeat hb, long nowMs) {
        boolean wasLost = lost;
        last = hb;
        lastHeardAtMs = nowMs;
        heardSinceCheck = true;
        missed = 0;
        lost = false;
        return wasLost;
    }

    /**
     * Called once per heartbeat interval, when this node sends its own heartbeat.
     * Returns true exactly when the peer becomes lost.
     */
    boolean intervalElapsed() {
        if (heardSinceCheck) {
            heardSinceCheck = false;
            return false;
        }
        missed++;
        if (!lost && missed >= missedForLoss) {
            lost = true;
            return true;
        }
        return false;
    }

    /** The peer answered within the timeout. */
    boolean present() {
        return !lost;
    }

    /** Last heartbeat, even if the peer is now lost (null if never heard). */
    Heartbeat last() {
        return last;
    }

    /** Last heartbeat if the peer is present, else null. */
    Heartbeat live() {
        return lost ? null : last;
    }

    long lastHeardAtMs() {
        return lastHeardAtMs;
    }

    int missed() {
        return missed;
    }
}
