package io.vigil.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * Flapping protection (SPEC §2, WSFC's "2 failovers in 6 hours"): the automatic failovers this
 * node knows of inside the window, whoever performed them. Each failover is identified by the
 * epoch it started (epochs are unique in the cluster), so learning the same one twice counts
 * once. Heartbeats carry the newest one, so a node that crashed and restarted relearns it from
 * its peer; the cluster-wide figure is the larger of the two nodes' counts.
 */
final class FlapGuard {
    private final int max;
    private final long windowMs;
    /** failover epoch -> when this node learned of it (its own clock). */
    private final Map<Long, Long> known = new TreeMap<>();

    FlapGuard(int max, long windowMs) {
        this.max = max;
        this.windowMs = windowMs;
    }

    int recent(long nowMs) {
        known.values().removeIf(t -> nowMs - t > windowMs);
        return known.size();
    }

    boolean allows(long nowMs, int peerRecent) {
        return Math.max(recent(nowMs), peerRecent) < max;
    }

    /** A failover this node performed or started, at {@code epoch}. */
    void record(long epoch, long nowMs) {
        known.put(epoch, nowMs);
    }

    /** A failover the peer reports; counted once however often it is reported. */
    void learn(long epoch, long nowMs) {
        if (epoch > 0) {
            known.putIfAbsent(epoch, nowMs);
        }
    }

    /** The newest failover epoch known (0 if none in the window). */
    long latestEpoch(long nowMs) {
        recent(nowMs);
        return known.isEmpty() ? 0 : ((TreeMap<Long, Long>) known).lastKey();
    }

    int max() {
        return max;
    }
}
