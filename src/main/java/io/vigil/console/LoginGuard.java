package io.vigil.console;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limit of failed logins per remote address (SPEC §7): after the n-th consecutive failure
 * the address must wait 2^(n-1) s (capped at 5 min) before its next attempt is even checked, so
 * guessing the password costs hours instead of seconds. A success clears the address.
 *
 * <p>An attempt is counted as a failure when it is <em>admitted</em>, before the slow password
 * hash runs, and forgiven only if the password matches (issue 10 item 3): counting after the
 * hash let a burst of parallel guesses all pass the check before the first one was counted.
 * While it is being checked no other attempt from the address is admitted, and its back-off
 * starts when it is known to have failed (as an operator sees it: from the answer).
 *
 * <p>The count decays (issue 10 item 10): for every {@link #DECAY_MS} that an address stays
 * quiet after its back-off has ended, its failure count is halved, so an operator who mistyped
 * a few times long ago is not locked out for five minutes by one more typo.
 */
final class LoginGuard {

    static final long MAX_DELAY_MS = 300_000;
    static final long DECAY_MS = 60_000;
    private static final int MAX_TRACKED = 10_000;

    /** @param checking an admitted attempt from the address is being checked right now */
    private record Record(int failures, long blockedUntilMs, boolean checking) { }

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
        if (r.checking()) {
            return Math.max(1, (left + 999) / 1000); // at least the back-off this attempt will start if it fails
        }
        return left <= 0 ? 0 : (left + 999) / 1000;
    }

    /**
     * Admits one attempt from {@code address} and counts it as failed in the same step, so no
     * other attempt from there is admitted until it is settled by {@link #failed} (and that
     * back-off has passed) or by {@link #succeeded}. Every admitted attempt must be settled.
     *
     * @return 0 when admitted, else the seconds to wait (the attempt was not admitted)
     */
    synchronized long admit(String address) {
        long wait = retryAfterSeconds(address);
        if (wait > 0) {
            return wait;
        }
        long now = clockMs.getAsLong();
        Record old = byAddress.remove(address);
        int failures = decayed(old, now) + 1;
        long delay = Math.min(MAX_DELAY_MS, 1000L << Math.min(failures - 1, 20));
        if (byAddress.size() >= MAX_TRACKED) {
            // Bounded memory under a spray of addresses: forget the oldest entry.
            byAddress.remove(byAddress.keySet().iterator().next());
        }
        byAddress.put(address, new Record(failures, now + delay, true));
        return 0;
    }

    /**
     * The admitted attempt had a wrong password: its back-off starts now.
     *
     * @return the back-off, in seconds (for the log)
     */
    synchronized long failed(String address) {
        Record r = byAddress.get(address);
        if (r == null) {
            return 0; // evicted meanwhile under a spray of addresses; nothing to settle
        }
        long delay = Math.min(MAX_DELAY_MS, 1000L << Math.min(r.failures() - 1, 20));
        byAddress.put(address, new Record(r.failures(), clockMs.getAsLong() + delay, false));
        return delay / 1000;
    }

    /** The admitted attempt had the right password: the address starts afresh. */
    synchronized void succeeded(String address) {
        byAddress.remove(address);
    }

    private static int decayed(Record r, long now) {
        if (r == null) {
            return 0;
        }
        long quiet = Math.max(0, now - r.blockedUntilMs());
        long halvings = quiet / DECAY_MS;
        return halvings >= 31 ? 0 : r.failures() >> halvings;
    }
}
