package io.vigil.core;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Flapping protection (SPEC §2, WSFC's "2 failovers in 6 hours"): automatic failovers this
 * node performed inside the window. The cluster-wide count adds the peer's own figure.
 */
final class FlapGuard {
    private final int max;
    private final long windowMs;
    private final Deque<Long> times = new ArrayDeque<>();

    FlapGuard(int max, long windowMs) {
        this.max = max;
        this.windowMs = windowMs;
    }

    int recent(long nowMs) {
        while (!times.isEmpty() && nowMs - times.peekFirst() > windowMs) {
            times.pollFirst();
        }
        return times.size();
    }

    boolean allows(long nowMs, int peerRecent) {
        return recent(nowMs) + peerRecent < max;
    }

    void record(long nowMs) {
        times.addLast(nowMs);
    }

    int max() {
        return max;
    }
}
