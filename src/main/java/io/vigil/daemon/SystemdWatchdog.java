package io.vigil.daemon;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Pings systemd's watchdog ({@code WatchdogSec=} in the unit) only while the node's event loop
 * advances: a daemon whose decision thread hangs stops pinging, and systemd kills and restarts it
 * (the fencing watchdog, in its own session, then stops the services and removes the VIP). A ping
 * from a timer alone would keep a hung node alive forever.
 */
final class SystemdWatchdog implements AutoCloseable {
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> NodeDaemon.daemonThread(r, "vigil-systemd-watchdog"));

    private SystemdWatchdog() {
    }

    /**
     * Pings every half interval, as sd_watchdog_enabled(3) advises, when {@link #healthy} holds.
     * @param lastProgressNanos when the event loop last handled an event
     */
    static SystemdWatchdog start(SystemdNotify notify, long intervalMicros, LongSupplier lastProgressNanos) {
        SystemdWatchdog w = new SystemdWatchdog();
        long periodMicros = Math.max(1000, intervalMicros / 2);
        long staleNanos = TimeUnit.MICROSECONDS.toNanos(periodMicros);
        w.timer.scheduleAtFixedRate(() -> {
            if (healthy(System.nanoTime(), lastProgressNanos.getAsLong(), staleNanos)) {
                notify.send("WATCHDOG=1");
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        return w;
    }

    /** The loop handled an event within the last {@code staleNanos} (ticks come every 50 ms). */
    static boolean healthy(long nowNanos, long lastProgressNanos, long staleNanos) {
        return nowNanos - lastProgressNanos < staleNanos;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
