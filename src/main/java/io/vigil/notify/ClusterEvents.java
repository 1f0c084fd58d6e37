package io.vigil.notify;

import io.vigil.core.Effect;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns the state machine's effects into {@link ClusterEvent}s: state changes, failovers and
 * alarms; every other effect is internal. Ids are {@code <source>-<boot>-<sequence>}, where boot
 * is random per daemon start, so ids never repeat across restarts of the node.
 */
public final class ClusterEvents {
    private final String source;
    private final String boot;
    private final AtomicLong sequence = new AtomicLong();

    public ClusterEvents(String source, long bootNonce) {
        this.source = source;
        this.boot = Long.toHexString(bootNonce);
    }

    public Optional<ClusterEvent> of(Effect effect, Instant at) {
        if (effect instanceof Effect.StateChanged s) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", String.valueOf(s.from()));
            data.put("to", String.valueOf(s.to()));
            data.put("epoch", s.epoch());
            data.put("reason", s.reason());
            return Optional.of(event(at, "state-changed", "info", source + " is now " + s.to() + " (was " + s.from()
                    + "): " + s.reason(), data));
        }
        if (effect instanceof Effect.FailoverPerformed f) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reason", f.reason());
            data.put("detectMs", f.detectMs());
            return Optional.of(event(at, "failover", "warning", source + " took over the services: " + f.reason(), data));
        }
        if (effect instanceof Effect.Alarm a) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("code", a.code());
            return Optional.of(event(at, "alarm", "alarm", a.code() + ": " + a.message(), data));
        }
        return Optional.empty();
    }

    private ClusterEvent event(Instant at, String type, String severity, String message, Map<String, Object> data) {
        return new ClusterEvent(source + "-" + boot + "-" + sequence.incrementAndGet(), at.toString(), source, type,
                severity, message, data);
    }
}
