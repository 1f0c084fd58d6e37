package io.vigil.core;

/**
 * What this node knows about its peer, and the failure detector.
 *
 * <p>Silence is accumulated tick by tick, and one tick never adds more than {@code capMs}: a
 * paused process, a stalled event loop or a clock step therefore adds at most one cap, never a
 * burst that causes a failover by itself (the point of JGroups FD_ALL3's interval counting),
 * while loss is still declared within one tick of the timeout, not up to one heartbeat interval
 * late. Accumulated silence never exceeds the real time since the last heartbeat, which is what
 * makes a node's grant a safe promise (see {@link Heartbeat}).
 */
final class PeerView {
    private final long timeoutMs;
    private final long capMs;
    private Heartbeat last;
    private long lastHeardAtMs = -1;
    private long lastTickAtMs = Long.MIN_VALUE;
    private long silentMs;
    private boolean lost = true;

    PeerView(long timeoutMs, long capMs) {
        this.timeoutMs = timeoutMs;
        this.capMs = capMs;
    }

    /** Records a heartbeat. Returns true if the peer was lost (or never heard) before. */
    boolean heard(Heartbeat hb, long nowMs) {
        boolean wasLost = lost;
        last = hb;
        lastHeardAtMs = nowMs;
        lastTickAtMs = nowMs; // silence counts from here, never from before the heartbeat
        silentMs = 0;
        lost = false;
        return wasLost;
    }

    /** Called on every tick. Returns true exactly when the peer becomes lost. */
    boolean tick(long nowMs) {
        if (lastTickAtMs != Long.MIN_VALUE) {
            silentMs += Math.min(Math.max(0, nowMs - lastTickAtMs), capMs);
        }
        lastTickAtMs = nowMs;
        if (!lost && silentMs >= timeoutMs) {
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

    /** Silence counted so far (bounded per tick), in ms. */
    long silentMs() {
        return silentMs;
    }
}
