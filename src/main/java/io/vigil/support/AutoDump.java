package io.vigil.support;

import io.vigil.api.DumpInfo;
import io.vigil.core.Effect;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The dumps a node makes by itself (SPEC §2 "Support"): at each failover it performs and when it
 * hits a fatal error. They are written on their own thread, never on the event loop (a thread
 * dump and 20,000 log lines take a while on a loaded machine), and spaced out so a repeating
 * error cannot rotate the failover's dump out of the last three.
 */
public final class AutoDump implements AutoCloseable {
    /** The flapping protection already limits failovers; this only stops a burst of duplicates. */
    static final long FAILOVER_GAP_MS = 10_000;
    /** An error that repeats every tick gets one dump per ten minutes, not three a second. */
    static final long ERROR_GAP_MS = 600_000;

    private final Dumps dumps;
    private final Consumer<String> info;
    private final Consumer<String> error;
    private final LongSupplier monotonicMs;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-dump");
        t.setDaemon(true);
        return t;
    });
    private long lastFailover = Long.MIN_VALUE / 2;
    private long lastError = Long.MIN_VALUE / 2;

    public AutoDump(Dumps dumps, Consumer<String> info, Consumer<String> error, LongSupplier monotonicMs) {
        this.dumps = dumps;
        this.info = info;
        this.error = error;
        this.monotonicMs = monotonicMs;
    }

    /** Looks at every effect of the state machine; a failover this node performed gets a dump. */
    public void onEffect(Effect effect) {
        if (effect instanceof Effect.FailoverPerformed f) {
            synchronized (this) {
                long now = monotonicMs.getAsLong();
                if (now - lastFailover < FAILOVER_GAP_MS) {
                    return;
                }
                lastFailover = now;
            }
            submit("failover: " + f.reason());
        }
    }

    /** A fatal error (a broken invariant, a failed start): one dump, unless one was made for an error lately. */
    public void fatal(String what) {
        synchronized (this) {
            long now = monotonicMs.getAsLong();
            if (now - lastError < ERROR_GAP_MS) {
                return;
            }
            lastError = now;
        }
        submit("fatal error: " + what);
    }

    private void submit(String reason) {
        try {
            worker.execute(() -> write(reason));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            write(reason); // the node is stopping because of this error: write it now, on this thread
        }
    }

    private void write(String reason) {
        try {
            DumpInfo d = dumps.create(reason);
            info.accept("dump " + d.path() + " written (" + reason + ")");
        } catch (IOException | RuntimeException e) {
            error.accept("could not write a dump (" + reason + "): " + e.getMessage() + "; check the free space and"
                    + " the permissions of " + dumps.dir());
        }
    }

    /** Waits for a dump being written, so the logs it reads are still open. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                error.accept("a dump was still being written at shutdown; its unfinished folder .partial-dump_* in "
                        + dumps.dir() + " can be deleted");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
