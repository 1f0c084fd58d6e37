package io.vigil.console;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginGuardTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginGuard guard = new LoginGuard(now::get);

    /** Admits an attempt as soon as the address may try again; it fails. */
    private long failAsSoonAsAllowed(String address) {
        now.addAndGet(guard.retryAfterSeconds(address) * 1000);
        assertThat(guard.admit(address)).isZero();
        return guard.failed(address);
    }

    @Test
    void eachFailureDoublesTheWaitUpToFiveMinutes() {
        assertThat(guard.retryAfterSeconds("a")).isZero();
        assertThat(guard.admit("a")).as("admitted").isZero();
        assertThat(guard.failed("a")).isEqualTo(1);
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(1);
        assertThat(failAsSoonAsAllowed("a")).isEqualTo(2);
        assertThat(failAsSoonAsAllowed("a")).isEqualTo(4);
        for (int i = 0; i < 30; i++) {
            failAsSoonAsAllowed("a");
        }
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(300);
    }

    @Test
    void anAdmittedAttemptCountsAsFailedBeforeItsPasswordIsChecked() {
        // Issue 10 item 3: 200 parallel guesses used to pass the limit while the first hash ran.
        assertThat(guard.admit("a")).isZero();
        for (int i = 0; i < 199; i++) {
            now.addAndGet(100);
            assertThat(guard.admit("a")).as("guess %d while the first is still being hashed", i + 2).isPositive();
        }
        assertThat(guard.failed("a")).isEqualTo(1);
        now.addAndGet(999);
        assertThat(guard.admit("a")).as("the back-off counts from the failure, not the admission").isEqualTo(1);
        now.addAndGet(1);
        assertThat(guard.admit("a")).isZero();
    }

    @Test
    void theWaitEndsWithTimeAndASuccessForgetsTheFailures() {
        failAsSoonAsAllowed("a");
        failAsSoonAsAllowed("a");
        now.addAndGet(1999);
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(1);
        now.addAndGet(1);
        assertThat(guard.retryAfterSeconds("a")).isZero();
        assertThat(guard.admit("a")).isZero();
        guard.succeeded("a");
        assertThat(guard.retryAfterSeconds("a")).as("the right password clears the address").isZero();
        assertThat(failAsSoonAsAllowed("a")).as("counting starts again").isEqualTo(1);
    }

    @Test
    void oneTypoSixMinutesAfterABurstDoesNotLockTheAddressForFiveMinutes() {
        // Issue 10 item 10: the count never decayed, so this typo cost 300 s, the real password included.
        while (failAsSoonAsAllowed("a") < 300) {
            // a burst of guesses, each as soon as allowed, until the back-off is at its cap
        }
        now.addAndGet(6 * 60_000);
        assertThat(guard.admit("a")).isZero();
        assertThat(guard.failed("a")).as("back-off after one typo six minutes later").isLessThan(60);
        now.addAndGet(guard.retryAfterSeconds("a") * 1000);
        assertThat(guard.admit("a")).as("the real password is checked once the back-off has passed").isZero();
        guard.succeeded("a");
        assertThat(guard.retryAfterSeconds("a")).isZero();
    }

    @Test
    void anAttackerWhoRetriesAtTheEndOfEachBackOffStaysAtTheCap() {
        while (failAsSoonAsAllowed("a") < 300) {
            // reach the cap
        }
        for (int i = 0; i < 5; i++) {
            assertThat(failAsSoonAsAllowed("a")).as("no decay without a quiet minute").isEqualTo(300);
        }
    }

    @Test
    void addressesAreIndependent() {
        failAsSoonAsAllowed("a");
        assertThat(guard.retryAfterSeconds("b")).isZero();
        assertThat(guard.admit("b")).isZero();
    }
}
