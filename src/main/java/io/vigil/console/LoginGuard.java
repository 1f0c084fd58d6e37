package io.vigil.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limit of failed logins per remote address (SPEC §7): after the n-th consecutive failure
 * the address must wait 2^(n-1) s (capped at 5 min) before its next attempt is even checked, so
 * guessing the password costs hours instead of seconds. A success clears the address.
 */
final class LoginGuard {

    private static final long MAX_DELAY_MS = 300_000;
    private static final int MAX_TRACKED = 10_000;

    private record Record(int failures, long blockedUntilMs) { }

    private final LongSupplier clockMs;
    private final Map<String, Record> byAddress = new LinkedHashMap<>();

    /** @param clockMs a monotonic clock in milliseconds */
    LoginGuard(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    /** @return 0 when {@code address} may try now, else the seconds to wait (for Retry-After) */
    synchronized long retryAfterSeconds(String address) {
        Record r = byAddress.get(address);
        if (r == null) {
            return 0;
        }
        long left = r.blockedUntilMs() - clockMs.getAsLong();
        return left <= 0 ? 0 : (left + 999) / 1000;
    }

    /** @return the delay now imposed on {@code address}, in seconds */
    synchronized long failed(String address) {
        Record old = byAddress.remove(address);
        int failures = old == null ? 1 : old.failures() + 1;
        long delay = Math.min(MAX_DELAY_MS, 1000L << Math.min(failures - 1, 20));
        if (byAddress.size() >= MAX_TRACKED) {
            // Bounded memory under a spray of addresses: forget the oldest entry.
            byAddress.remove(byAddress.keySet().iterator().next());
        }
        byAddress.put(address, new Record(failures, clockMs.getAsLong() + delay));
        return delay / 1000;
    }

    synchronized void succeeded(String address) {
        byAddress.remove(address);
    }
}
