package io.vigil.console;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LoginGuardTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginGuard guard = new LoginGuard(now::get);

    @Test
    void eachFailureDoublesTheWaitUpToFiveMinutes() {
        assertThat(guard.retryAfterSeconds("a")).isZero();
        assertThat(guard.failed("a")).isEqualTo(1);
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(1);
        assertThat(guard.failed("a")).isEqualTo(2);
        assertThat(guard.failed("a")).isEqualTo(4);
        for (int i = 0; i < 30; i++) {
            guard.failed("a");
        }
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(300);
    }

    @Test
    void theWaitEndsWithTimeAndASuccessForgetsTheFailures() {
        guard.failed("a");
        guard.failed("a");
        now.addAndGet(1999);
        assertThat(guard.retryAfterSeconds("a")).isEqualTo(1);
        now.addAndGet(1);
        assertThat(guard.retryAfterSeconds("a")).isZero();
        guard.succeeded("a");
        assertThat(guard.failed("a")).as("counting starts again").isEqualTo(1);
    }

    @Test
    void addressesAreIndependent() {
        guard.failed("a");
        assertThat(guard.retryAfterSeconds("b")).isZero();
    }
}
