package io.vigil.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduling half of a checker, with a fake probe and 10 ms intervals. */
class CheckerTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final AtomicInteger probes = new AtomicInteger();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Probe fakeProbe = () -> {
        probes.incrementAndGet();
        return healthy.get() ? ProbeResult.ok("fine") : ProbeResult.failed("broken");
    };
    private final Checker.Listener listener = new Checker.Listener() {
        @Override
        public void onFailed(String detail) {
            events.add("failed: " + detail);
        }

        @Override
        public void onRecovered() {
            events.add("recovered");
        }
    };

    @AfterEach
    void shutdown() {
        scheduler.shutdownNow();
    }

    private Checker checker(int fall, int rise, long graceMs) {
        CheckerSpec spec = CheckerSpec.process().withTiming(10, 10).withPolicy(fall, rise, graceMs);
        return new Checker(spec, fakeProbe, scheduler, listener);
    }

    @Test
    void reports_failure_and_recovery_once_each() {
        Checker checker = checker(3, 2, 0);
        checker.start();
        await().until(() -> probes.get() >= 3);
        assertThat(events).isEmpty();

        healthy.set(false);
        await().until(() -> events.size() == 1);
        int seen = probes.get();
        await().until(() -> probes.get() >= seen + 5);
        assertThat(events).containsExactly("failed: PROCESS: broken");
        assertThat(checker.failed()).isTrue();
        assertThat(checker.lastResult()).contains(ProbeResult.failed("broken"));

        healthy.set(true);
        await().until(() -> events.size() == 2);
        assertThat(events).last().isEqualTo("recovered");
        checker.stop();
    }

    @Test
    void failures_within_the_warm_up_are_not_reported() {
        healthy.set(false);
        Checker checker = checker(1, 1, 1_000_000);
        checker.start();
        await().until(() -> probes.get() >= 10);
        assertThat(events).isEmpty();
        checker.stop();
    }

    @Test
    void stop_ends_probing_and_start_and_stop_are_idempotent() {
        Checker checker = checker(1, 1, 0);
        checker.start();
        checker.start();
        await().until(() -> probes.get() >= 2);
        checker.stop();
        checker.stop();
        assertThat(checker.running()).isFalse();
        int after = probes.get();
        // One probe may have been in flight; beyond that nothing may run. Give it 20 intervals.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> probes.get() <= after + 1);
        healthy.set(false);
        assertThat(events).isEmpty();
    }

    @Test
    void resume_after_a_failure_needs_rise_successes_to_report_recovery() {
        healthy.set(false);
        Checker checker = checker(1, 3, 0);
        checker.start();
        await().until(() -> events.size() == 1);
        checker.stop();
        healthy.set(true);
        checker.resume();
        await().until(() -> events.size() == 2);
        assertThat(events).containsExactly("failed: PROCESS: broken", "recovered");
        checker.stop();
    }

    @Test
    void a_throwing_probe_counts_as_a_failure() {
        CheckerSpec spec = CheckerSpec.process().withTiming(10, 10).withPolicy(1, 1, 0);
        Checker checker = new Checker(spec, () -> {
            throw new IllegalStateException("boom");
        }, scheduler, listener);
        checker.start();
        await().until(() -> events.size() == 1);
        assertThat(events.get(0)).contains("boom");
        checker.stop();
    }
}
