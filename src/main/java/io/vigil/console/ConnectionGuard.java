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
 * Two limits on the console's connections that Jetty lacks (issue 10 item 3, "slowloris").
 *
 * <p>Connections per client address: at most {@code perAddress}; one more is closed as soon as it
 * opens. Without it one address could hold every slot of the global cap
 * ({@link ConsoleHttp#MAX_CONNECTIONS}), and nobody else would get in.
 *
 * <p>The deadline for a client to send a whole request. Jetty's idle
 * timeout only fires after a silence, so a client that sends its headers one byte per second
 * would keep a connection (and, while it sends a body, a pool thread) forever. Here every HTTP
 * connection that waits on its client (for the request line and headers, for the body, or idle
 * between keep-alive requests) for longer than {@code deadlineMs} is closed, whatever trickles in.
 * A connection whose request is being answered (a command, the event stream) is not affected.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {

    static final long SWEEP_MS = 500;

    /** One connection's phase: waiting on the client since a time, or working on its request. */
    static final class Watch {
        private final LongSupplier clockMs;
        private final String address;
        private volatile long waitingSinceMs;
        private volatile boolean working;

        private Watch(LongSupplier clockMs, String address) {
            this.clockMs = clockMs;
            this.address = address;
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
    private final int perAddress;
    private final LongSupplier clockMs;
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param deadlineMs time a client has to send a whole request
     * @param perAddress connections one client address may hold at once
     * @param clockMs    a monotonic clock in milliseconds
     */
    ConnectionGuard(long deadlineMs, int perAddress, LongSupplier clockMs) {
        this.deadlineMs = deadlineMs;
        this.perAddress = perAddress;
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
        if (connection instanceof SslConnection) {
            return;
        }
        String address = address(connection);
        open.put(connection, new Watch(clockMs, address));
        if (byAddress.merge(address, 1, Integer::sum) > perAddress) {
            refused.incrementAndGet();
            connection.getEndPoint().close(); // onClosed follows and gives the count back
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Watch w = open.remove(connection);
        if (w != null) {
            byAddress.computeIfPresent(w.address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    private static String address(Connection connection) {
        java.net.SocketAddress a = connection.getEndPoint().getRemoteSocketAddress();
        return a instanceof java.net.InetSocketAddress i && i.getAddress() != null
                ? i.getAddress().getHostAddress() : String.valueOf(a);
    }

    /** The watch of the connection carrying a request, marked working (its headers have all arrived). */
    Watch begin(Connection connection) {
        Watch w = open.get(connection);
        if (w == null) {
            w = new Watch(clockMs, "?"); // a connection this class never saw (none in practice): not in the sweep
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

    /** Connections closed at once because their address already held its share. */
    long refused() {
        return refused.get();
    }

    private void sweep() {
        long now = clockMs.getAsLong();
        open.forEach((c, w) -> {
            if (w.overdue(now, deadlineMs)) {
                w.working(); // counted once, even if the close completes after the next sweep
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
