package io.vigil.console;

import io.vigil.security.PasswordHash;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Whether a login attempt may run the slow password hash, and its verdict (issue 10 item 3).
 * The hash costs about a second of CPU at {@link PasswordHash#ITERATIONS}, inside the daemon's
 * JVM, so two gates stand before it, both answered at once and without hashing:
 * <ol>
 * <li>at most {@link #MAX_CONCURRENT} hashes run at a time, whoever asks (excess: {@link Verdict#BUSY});</li>
 * <li>the per-address {@link LoginGuard}, which counts the attempt as failed <em>before</em> the
 *     hash, so parallel guesses from one address get one hash per back-off ({@link Verdict#RATE_LIMITED}).</li>
 * </ol>
 * A stored hash with fewer iterations than today's is replaced in memory by a new one at the
 * first successful login (issue 10 item 8).
 */
final class PasswordCheck {

    /** Two cores on the smallest supported server: one hash may run while the node keeps the other. */
    static final int MAX_CONCURRENT = 2;

    enum Verdict { OK, WRONG, RATE_LIMITED, BUSY }

    /** @param retryAfterSeconds for RATE_LIMITED and BUSY: when to try again; for WRONG: the back-off now imposed */
    record Result(Verdict verdict, long retryAfterSeconds) { }

    private final Semaphore hashing = new Semaphore(MAX_CONCURRENT);
    private final LoginGuard guard;
    private final Consumer<String> info;
    private final AtomicLong hashesRun = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private volatile PasswordHash password;

    /** @param info module log, level I (the in-memory rehash) */
    PasswordCheck(PasswordHash password, LoginGuard guard, Consumer<String> info) {
        this.password = password;
        this.guard = guard;
        this.info = info;
    }

    /** Checks {@code user}/{@code given} from {@code remote}, unless one of the gates refuses first. */
    Result check(String remote, String user, String given) {
        if (!hashing.tryAcquire()) {
            busy.incrementAndGet();
            return new Result(Verdict.BUSY, 1);
        }
        try {
            long wait = guard.admit(remote);
            if (wait > 0) {
                rateLimited.incrementAndGet();
                return new Result(Verdict.RATE_LIMITED, wait);
            }
            return settle(remote, user, given);
        } finally {
            hashing.release();
        }
    }

    /** Checks an admitted attempt and settles it with the guard whatever happens (else the address stays blocked). */
    private Result settle(String remote, String user, String given) {
        boolean ok = false;
        try {
            ok = verify(user, given);
        } finally {
            if (ok) {
                guard.succeeded(remote);
            } else {
                guard.failed(remote);
            }
        }
        return ok ? new Result(Verdict.OK, 0) : new Result(Verdict.WRONG, guard.retryAfterSeconds(remote));
    }

    /** An address still in its back-off, refused before even its body is read. */
    long retryAfterSeconds(String remote) {
        long wait = guard.retryAfterSeconds(remote);
        if (wait > 0) {
            rateLimited.incrementAndGet();
        }
        return wait;
    }

    /** Iterations of the hash logins are checked against now (after an upgrade: today's). */
    int storedIterations() {
        return password.iterations();
    }

    long hashesRun() {
        return hashesRun.get();
    }

    long rateLimited() {
        return rateLimited.get();
    }

    long busy() {
        return busy.get();
    }

    private boolean verify(String user, String given) {
        hashesRun.incrementAndGet();
        PasswordHash h = password;
        // & not &&: an unknown user costs the same hash, so timing does not tell which part was wrong.
        boolean ok = Auth.USER.equals(user) & h.matches(given);
        if (ok && h.outdated()) {
            password = PasswordHash.of(given);
            info.accept("console: the stored password hash had " + h.iterations() + " PBKDF2 iterations; it is now "
                    + PasswordHash.ITERATIONS + " in memory. To store the stronger hash, run `vigil config "
                    + "hash-password` and put its output in console.passwordFile");
        }
        return ok;
    }
}
