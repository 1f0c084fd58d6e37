package io.vigil.console;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The console's security lines (failed logins, wrong metrics tokens) with a cap per time window
 * (issue 10 item 10): an attacker from many addresses, or with wrong tokens (which have no back-off),
 * must not be able to rotate the node's decisions out of the module log. Up to {@code perWindow}
 * lines per window are written as they come; the rest are counted and summed up in one line when
 * the next window opens.
 */
final class ThrottledLog implements Consumer<String> {

    private final Consumer<String> out;
    private final int perWindow;
    private final long windowMs;
    private final LongSupplier clockMs;
    private long windowStartMs;
    private int written;
    private long suppressed;

    /** @param clockMs a monotonic clock in milliseconds */
    ThrottledLog(Consumer<String> out, int perWindow, long windowMs, LongSupplier clockMs) {
        this.out = out;
        this.perWindow = perWindow;
        this.windowMs = windowMs;
        this.clockMs = clockMs;
        this.windowStartMs = clockMs.getAsLong();
    }

    @Override
    public synchronized void accept(String line) {
        long now = clockMs.getAsLong();
        if (now - windowStartMs >= windowMs) {
            if (suppressed > 0) {
                out.accept("console: " + suppressed + " more failed logins or wrong tokens were not logged one by one"
                        + " (at most " + perWindow + " lines per " + windowMs / 1000 + " s); see the metrics "
                        + "vigil_console_password_checks_total and vigil_console_logins_refused_total");
            }
            windowStartMs = now;
            written = 0;
            suppressed = 0;
        }
        if (written < perWindow) {
            written++;
            out.accept(line);
        } else {
            suppressed++;
        }
    }
}
