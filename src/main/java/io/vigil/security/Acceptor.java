package io.vigil.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A listening socket served by a bounded pool of daemon threads: the node's TCP services (admin
 * channel, directory replication) share it. A connection beyond the pool and its queue goes to
 * {@code busy} instead of piling up threads; a failing accept() (out of file descriptors) is
 * logged and retried after a pause instead of spinning.
 *
 * <p>Optionally ({@link Admission}, issue 10 item 4) a connection is admitted before it takes a
 * slot: at most so many at once from one source address, and some threads kept free for a
 * privileged address (the peer node), so that a few idle unauthenticated connections cannot
 * starve the service. Without it (the first constructor) every connection is admitted, as before.
 */
public final class Acceptor implements AutoCloseable {
    private static final long ACCEPT_RETRY_MS = 100;

    private final ServerSocket socket;
    private final String what;
    private final Consumer<Socket> serve;
    private final Consumer<Socket> busy;
    private final Consumer<String> log;
    private final Gate gate;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final int threads;
    private final Admission admission;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // unprivileged, guarded by this
    private int unprivileged; // admitted and not finished, guarded by this
    private volatile boolean closed;

    /**
     * Decides, before a connection takes a thread or a queue place, whether it may: e.g. a limit
     * per source address. {@link #leave} is called once for every connection {@link #enter}
     * admitted, after it was served or refused. Called on the accept thread and on pool threads.
     */
    public interface Gate {
        /** Admits nobody's connection without limit: the behaviour without a gate. */
        Gate OPEN = new Gate() {
            @Override
            public boolean enter(Socket client) {
                return true;
            }

            @Override
            public void leave(Socket client) {
            }
        };

        /** @return false to refuse {@code client} (it then goes to {@code busy}) */
        boolean enter(Socket client);

        void leave(Socket client);
    }

    /**
     * Which connections may take a slot.
     *
     * @param perAddress most connections at once from one unprivileged source address (0: no limit)
     * @param reserved   threads that only privileged connections may use: unprivileged ones, queued or
     *                   running, never exceed {@code threads - reserved} (0: no reservation)
     * @param privileged the source addresses exempt from both limits (the peer node)
     */
    public record Admission(int perAddress, int reserved, Predicate<InetAddress> privileged) {
        /** Every connection admitted (until the pool and its queue are full). */
        public static final Admission NONE = new Admission(0, 0, a -> false);
    }

    /**
     * @param what   names the service in thread names and log lines, e.g. "admin channel"
     * @param serve  handles one connection (and closes it)
     * @param busy   answers and closes a connection the pool cannot take
     */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued,
                    Consumer<Socket> serve, Consumer<Socket> busy, Consumer<String> log) {
        this(socket, what, threadPrefix, threads, queued, Admission.NONE, Gate.OPEN, serve, busy, log);
    }

    /** The same, with {@code gate} deciding first who may take a thread or queue place. */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued, Gate gate,
                    Consumer<Socket> serve, Consumer<Socket> busy, Consumer<String> log) {
        this(socket, what, threadPrefix, threads, queued, Admission.NONE, gate, serve, busy, log);
    }

    /**
     * As the first constructor, with {@code admission} deciding which connections may take a slot;
     * a connection it refuses goes to {@code busy}, like one beyond the pool and its queue.
     */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued,
                    Admission admission, Consumer<Socket> serve, Consumer<Socket> busy, Consumer<String> log) {
        this(socket, what, threadPrefix, threads, queued, admission, Gate.OPEN, serve, busy, log);
    }

    /** Both: {@code admission} (per-address limit, reserved threads) first, then {@code gate}. */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued,
                    Admission admission, Gate gate, Consumer<Socket> serve, Consumer<Socket> busy,
                    Consumer<String> log) {
        if (admission.reserved() < 0 || admission.reserved() >= threads || admission.perAddress() < 0) {
            throw new IllegalArgumentException(what + ": " + admission + " does not fit " + threads + " threads");
        }
        this.threads = threads;
        this.admission = admission;
        this.socket = socket;
        this.gate = gate;
        this.what = what;
        this.serve = serve;
        this.busy = busy;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                r -> daemon(r, threadPrefix + "-" + n.incrementAndGet()));
        pool.allowCoreThreadTimeOut(true);
        this.acceptor = daemon(this::acceptLoop, threadPrefix + "-accept");
    }

    public void start() {
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** True once {@link #close()} began: errors of connections cut by it are not worth a log line. */
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a listening socket only fails if it is already closed.
        }
        pool.shutdownNow();
        try {
            acceptor.join(2000);
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.accept(what + ": accept failed: " + e.getMessage());
                    pause();
                }
                continue;
            }
            InetAddress from = client.getInetAddress();
            boolean privileged = admission.privileged().test(from);
            if (!admit(from, privileged)) {
                busy.accept(client);
                continue;
            }
            if (!gate.enter(client)) {
                release(from, privileged);
                busy.accept(client);
                continue;
            }
            try {
                pool.execute(() -> {
                    try {
                        serve.accept(client);
                    } finally {
                        gate.leave(client);
                        release(from, privileged);
                    }
                });
            } catch (RejectedExecutionException e) {
                gate.leave(client);
                release(from, privileged);
                busy.accept(client);
            }
        }
    }

    /** Counts an unprivileged connection in, or says it must go to {@code busy}. */
    private synchronized boolean admit(InetAddress from, boolean privileged) {
        if (privileged) {
            return true;
        }
        int fromThere = perAddress.getOrDefault(from, 0);
        if (admission.perAddress() > 0 && fromThere >= admission.perAddress()
                || admission.reserved() > 0 && unprivileged >= threads - admission.reserved()) {
            return false;
        }
        perAddress.put(from, fromThere + 1);
        unprivileged++;
        return true;
    }

    private synchronized void release(InetAddress from, boolean privileged) {
        if (privileged) {
            return;
        }
        unprivileged--;
        perAddress.computeIfPresent(from, (a, n) -> n > 1 ? n - 1 : null);
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(ACCEPT_RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
