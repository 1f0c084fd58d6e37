package io.vigil.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Counts rejected input (datagrams) by reason and source address, and turns the counts into at
 * most one log line per interval, e.g. {@code rejected 1234 datagrams in 10 s: 1200 heartbeat
 * BAD_MAC from 10.0.0.9, 34 witness bad magic from 10.0.0.7; last: ...}.
 *
 * <p>Why: one line per rejected datagram let anyone who can send UDP to a port rotate the module
 * log until the state changes were gone (issue 10, item 10). Memory is bounded too: at most
 * {@value #MAX_KEYS} (reason, source) pairs are told apart per interval; beyond that, a pair is
 * counted under "other sources", so spoofed source addresses cannot grow the map. Thread-safe.
 */
public final class RejectionSummary {
    static final int MAX_KEYS = 64;
    static final int SHOWN = 5;
    private static final int MAX_DETAIL_CHARS = 300;
    private static final String OTHER = "other sources";

    private final String what;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, long[]> counts = new HashMap<>();
    private long total;
    private long windowStart;
    private String lastDetail = "";

    /** @param what what is rejected, e.g. "datagrams" */
    public RejectionSummary(String what, long intervalMs) {
        this(what, intervalMs, System::nanoTime);
    }

    RejectionSummary(String what, long intervalMs, LongSupplier nanoClock) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("summary interval must be positive, was " + intervalMs + " ms");
        }
        this.what = what;
        this.intervalNanos = intervalMs * 1_000_000L;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /**
     * Counts one rejection.
     *
     * @param reason a short, fixed category ("heartbeat BAD_MAC"), never free text from the input
     * @param source the sender's address without port (the port changes with every socket)
     * @param detail the full explanation; the latest one is shown in the summary
     * @return true for the first rejection since the last summary: a caller may log that one in
     *         full at once, so an operator sees a problem without waiting for the summary
     */
    public synchronized boolean record(String reason, String source, String detail) {
        String key = reason + " from " + source;
        long[] n = counts.get(key);
        if (n == null) {
            key = counts.size() < MAX_KEYS ? key : reason + " from " + OTHER;
            n = counts.computeIfAbsent(key, k -> new long[1]);
        }
        n[0]++;
        total++;
        lastDetail = detail;
        return total == 1;
    }

    /** Rejections counted since the last summary. */
    public synchronized long pending() {
        return total;
    }

    /**
     * The summary line, once per interval and only when something was rejected; the counts then
     * start again. Call it often (every second, or after each datagram): it is cheap when not due.
     */
    public synchronized Optional<String> drainIfDue() {
        long now = nanoClock.getAsLong();
        long elapsed = now - windowStart;
        if (total == 0 || elapsed < intervalNanos) {
            if (total == 0 && elapsed >= intervalNanos) {
                windowStart = now; // an idle interval: the next one starts now
            }
            return Optional.empty();
        }
        String line = format(elapsed);
        counts.clear();
        total = 0;
        lastDetail = "";
        windowStart = now;
        return Optional.of(line);
    }

    private String format(long elapsedNanos) {
        List<Map.Entry<String, long[]>> top = new ArrayList<>(counts.entrySet());
        top.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        StringBuilder sb = new StringBuilder("rejected ").append(total).append(' ').append(what)
                .append(" in ").append(Math.max(1, Math.round(elapsedNanos / 1e9))).append(" s: ");
        for (int i = 0; i < Math.min(SHOWN, top.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(top.get(i).getValue()[0]).append(' ').append(top.get(i).getKey());
        }
        if (top.size() > SHOWN) {
            long rest = top.subList(SHOWN, top.size()).stream().mapToLong(e -> e.getValue()[0]).sum();
            sb.append(", ").append(rest).append(" more in ").append(top.size() - SHOWN).append(" other groups");
        }
        String detail = lastDetail.length() > MAX_DETAIL_CHARS
                ? lastDetail.substring(0, MAX_DETAIL_CHARS) + "..." : lastDetail;
        return sb.append("; last: ").append(detail).toString();
    }
}
