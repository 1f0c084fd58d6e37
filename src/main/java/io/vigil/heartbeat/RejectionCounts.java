package io.vigil.heartbeat;

import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Lock-free counters per rejection reason, written by receiver threads, read by status. */
final class RejectionCounts {
    private static final Reason[] REASONS = Reason.values();
    private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);

    void increment(Reason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    Map<Reason, Long> snapshot() {
        Map<Reason, Long> out = new EnumMap<>(Reason.class);
        for (Reason r : REASONS) {
            out.put(r, counts.get(r.ordinal()));
        }
        return Collections.unmodifiableMap(out);
    }
}
