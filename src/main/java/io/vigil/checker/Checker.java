package io.vigil.checker;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Probe} every {@code intervalMs} on a shared scheduler and reports only the
 * transitions decided by its {@link CheckerPolicy}. Thread-safe; start/stop are idempotent.
 *
 * <p>The listener is called outside this checker's lock (so it may call back into the checker
 * or take its own locks), from a scheduler thread. A result that arrives after {@link #stop()}
 * is dropped, but a transition being delivered while stop() runs can still arrive once, so
 * listeners should check their own state too.
 */
public final class Checker {

    /** Told about transitions only, never about every probe. */
    public interface Listener {
        void onFailed(String detail);

        void onRecovered();
    }

    private static final Logger log = LoggerFactory.getLogger(Checker.class);

    private final CheckerSpec spec;
    private final Probe probe;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private final CheckerPolicy policy;

    private ScheduledFuture<?> task;
    private long generation;
    private ProbeResult lastResult;

    public Checker(CheckerSpec spec, Probe probe, ScheduledExecutorService scheduler, Listener listener) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.policy = CheckerPolicy.of(spec);
    }

    /** Starts probing a freshly started target: healthy, warm-up begins now. No-op if running. */
    public synchronized void start() {
        begin(false);
    }

    /**
     * Starts probing again after {@link #stop()} without forgetting a reported failure, so the
     * target must still pass {@code rise} probes to be reported recovered. No-op if running.
     */
    public synchronized void resume() {
        begin(policy.failed());
    }

    private void begin(boolean failedNow) {
        if (task != null) {
            return;
        }
        policy.reset(failedNow);
        long myGeneration = ++generation;
        task = scheduler.scheduleWithFixedDelay(() -> runOnce(myGeneration),
                spec.intervalMs(), spec.intervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Stops probing; a probe already running finishes but its result is ignored. No-op if stopped. */
    public synchronized void stop() {
        if (task == null) {
            return;
        }
        generation++;
        task.cancel(false);
        task = null;
    }

    public synchronized boolean running() {
        return task != null;
    }

    /** True between an {@code onFailed} and the next {@code onRecovered}. */
    public synchronized boolean failed() {
        return policy.failed();
    }

    public synchronized Optional<ProbeResult> lastResult() {
        return Optional.ofNullable(lastResult);
    }

    public CheckerSpec spec() {
        return spec;
    }

    private void runOnce(long myGeneration) {
        ProbeResult result = safeProbe();
        CheckerPolicy.Transition transition;
        synchronized (this) {
            if (myGeneration != generation) {
                return;
            }
            lastResult = result;
            transition = policy.onResult(result.ok());
        }
        // An exception escaping here would silently cancel the periodic task.
        try {
            switch (transition) {
                case FAILED -> listener.onFailed(spec.describe() + ": " + result.detail());
                case RECOVERED -> listener.onRecovered();
                case NONE -> { }
            }
        } catch (RuntimeException e) {
            log.error("checker {} listener failed", spec.describe(), e);
        }
    }

    private ProbeResult safeProbe() {
        try {
            return probe.probe();
        } catch (RuntimeException e) {
            return ProbeResult.failed("probe error: " + e);
        }
    }
}
