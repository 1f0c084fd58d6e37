package io.vigil.console;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The deadline for a client to send a whole request (issue 10 item 3, "slowloris"). Jetty's idle
 * timeout only fires after a silence, so a client that sends its headers one byte per second
 * would keep a connection (and, while it sends a body, a pool thread) forever. Here every HTTP
 * connection that waits on its client (for the request line and headers, for the body, or idle
 * between keep-alive requests) for longer than {@code deadlineMs} is closed, whatever trickles in.
 * A connection whose request is being answered (a command, the event stream) is not affected.
 */
final class ClientDeadline implements Connection.Listener, AutoCloseable {

    static final long SWEEP_MS = 500;

    /** One connection's phase: waiting on the client since a time, or working on its request. */
    static final class Watch {
        private final LongSupplier clockMs;
        private volatile long waitingSinceMs;
        private volatile boolean working;

        private Watch(LongSupplier clockMs) {
            this.clockMs = clockMs;
            this.waitingSinceMs = clockMs.getAsLong();
        }

        void waitingOnClient() {
            waitingSinceMs = clockMs.getAsLong();
            working = false;
        }

        void working() {
            working = true;
        }

        private boolean overdue(long now, long deadlineMs) {
            return !working && now - waitingSinceMs > deadlineMs;
        }
    }

    private final long deadlineMs;
    private final LongSupplier clockMs;
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong cut = new AtomicLong();

    /** @param clockMs a monotonic clock in milliseconds */
    ClientDeadline(long deadlineMs, LongSupplier clockMs) {
        this.deadlineMs = deadlineMs;
        this.clockMs = clockMs;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-console-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        // Under TLS the TLS connection and the HTTP connection inside it both open: watch the HTTP
        // one only (the TLS one never carries a request), which exists from the start, so a slow
        // TLS handshake is covered too.
        if (!(connection instanceof SslConnection)) {
            open.put(connection, new Watch(clockMs));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** The watch of the connection carrying a request, marked working (its headers have all arrived). */
    Watch begin(Connection connection) {
        Watch w = open.get(connection);
        if (w == null) {
            w = new Watch(clockMs); // a connection this class never saw (none in practice): not in the sweep
        }
        w.working();
        return w;
    }

    int openConnections() {
        return open.size();
    }

    /** Connections closed so far for being too slow. */
    long cut() {
        return cut.get();
    }

    private void sweep() {
        long now = clockMs.getAsLong();
        open.forEach((c, w) -> {
            if (w.overdue(now, deadlineMs)) {
                open.remove(c);
                cut.incrementAndGet();
                c.getEndPoint().close();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
