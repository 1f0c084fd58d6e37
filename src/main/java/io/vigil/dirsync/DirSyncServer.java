package io.vigil.dirsync;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The source side of directory replication, run by every node with replicated directories. It
 * serves only while {@link #serving} is on, i.e. while this node runs the services (PRIM or
 * ALONE): a SECOND must never become somebody's source, or a stale copy could flow backwards.
 */
public final class DirSyncServer implements AutoCloseable {

    private static final int IDLE_TIMEOUT_MS = 60_000;
    private static final int MAX_SESSIONS = 4;

    private final ServerSocket socket;
    private final byte[] key;
    private final Map<String, java.nio.file.Path> directories;
    private final Consumer<String> log;
    private final ThreadPoolExecutor pool;
    private final Thread acceptor;
    private final AtomicLong wire = new AtomicLong();
    private volatile boolean serving;
    private volatile String notServingReason = "this node is starting";
    private volatile boolean closed;

    private DirSyncServer(ServerSocket socket, byte[] key, Map<String, java.nio.file.Path> directories,
                          Consumer<String> log) {
        this.socket = socket;
        this.key = key.clone();
        this.directories = Map.copyOf(directories);
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(MAX_SESSIONS, MAX_SESSIONS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_SESSIONS), r -> daemon(r, "vigil-dirsync-serve-" + n.incrementAndGet()));
        pool.allowCoreThreadTimeOut(true);
        this.acceptor = daemon(this::acceptLoop, "vigil-dirsync-accept");
    }

    /**
     * Binds and starts accepting (not yet serving: see {@link #serving(boolean, String)}).
     *
     * @param directories replicated directory name to its path on this node
     * @param log         one line per refused or failed connection (never key material)
     */
    public static DirSyncServer start(byte[] clusterKey, String bindAddress, int port,
                                      Map<String, java.nio.file.Path> directories, Consumer<String> log)
            throws IOException {
        CryptoWarmUp.start();
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot open the directory replication port " + bindAddress + ":" + port + " ("
                    + e.getMessage() + "): another program may use it, or the address is not on this machine; "
                    + "set replication.bindAddress / replication.port", e);
        }
        DirSyncServer server = new DirSyncServer(s, clusterKey, directories, log);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * Turns serving on or off.
     *
     * @param why shown to a peer that asks while serving is off
     */
    public void serving(boolean on, String why) {
        notServingReason = why;
        serving = on;
    }

    /** Bytes read and written on all connections so far. */
    public long wireBytes() {
        return wire.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
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
                    log.accept("directory replication: accept failed: " + e.getMessage());
                    pause();
                }
                continue;
            }
            try {
                pool.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                closeQuietly(client); // more sessions than a peer ever opens: drop the extra one
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(IDLE_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            SecureChannel ch = SecureChannel.server(client, key, wire);
            new SourceSession(ch, directories, () -> serving, () -> notServingReason).run();
        } catch (AuthenticationException e) {
            log.accept("directory replication: " + e.getMessage());
        } catch (EOFException | SocketException e) {
            // the peer went away between requests: normal at the end of a pass
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.accept("directory replication: session with " + client.getRemoteSocketAddress() + " failed: " + e);
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
