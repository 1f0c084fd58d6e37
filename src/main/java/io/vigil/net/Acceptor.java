package io.vigil.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A listening socket served by a bounded pool of daemon threads: the node's TCP services (admin
 * channel, directory replication) share it. A connection beyond the pool and its queue goes to
 * {@code busy} instead of piling up threads; a failing accept() (out of file descriptors) is
 * logged and retried after a pause instead of spinning.
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
     * @param what   names the service in thread names and log lines, e.g. "admin channel"
     * @param serve  handles one connection (and closes it)
     * @param busy   answers and closes a connection the pool cannot take
     */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued,
                    Consumer<Socket> serve, Consumer<Socket> busy, Consumer<String> log) {
        this(socket, what, threadPrefix, threads, queued, Gate.OPEN, serve, busy, log);
    }

    /** The same, with {@code gate} deciding first who may take a thread or queue place. */
    public Acceptor(ServerSocket socket, String what, String threadPrefix, int threads, int queued, Gate gate,
                    Consumer<Socket> serve, Consumer<Socket> busy, Consumer<String> log) {
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
            if (!gate.enter(client)) {
                busy.accept(client);
                continue;
            }
            try {
                pool.execute(() -> {
                    try {
                        serve.accept(client);
                    } finally {
                        gate.leave(client);
                    }
                });
            } catch (RejectedExecutionException e) {
                gate.leave(client);
                busy.accept(client);
            }
        }
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
