package io.vigil.dirsync;

import io.vigil.pki.ClusterTls;
import io.vigil.security.Acceptor;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The source side of directory replication, run by every node with replicated directories. It
 * serves only while {@link #serving} is on, i.e. while this node runs the services (PRIM or
 * ALONE): a SECOND must never become somebody's source, or a stale copy could flow backwards.
 */
public final class DirSyncServer implements AutoCloseable {

    private static final int IDLE_TIMEOUT_MS = 60_000;
    private static final int MAX_SESSIONS = 4;
    /**
     * The whole handshake (TLS and the protocol's hello) must be done by then (issue 10 item 4):
     * the real peer needs a few milliseconds, and a connection that says nothing, or trickles
     * bytes to reset a read timeout, must not hold a session thread for a minute. 3 s before TLS;
     * a cold JVM's first TLS handshake on a busy machine was measured at 4 s.
     */
    static final int AUTH_DEADLINE_MS = 5000;
    /** Unauthenticated connections at once from one address other than the peer's. */
    static final int MAX_PER_ADDRESS = 2;
    /** Session threads that only the peer's address may use, so strangers can never take them all. */
    static final int RESERVED_FOR_PEER = 1;

    private final Map<String, java.nio.file.Path> directories;
    private final Consumer<String> log;
    private final Acceptor acceptor;
    private final AtomicLong wire = new AtomicLong();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-dirsync-deadline");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean serving;
    private volatile String notServingReason = "this node is starting";

    private DirSyncServer(ServerSocket socket, Map<String, java.nio.file.Path> directories,
                          Set<InetAddress> peer, Consumer<String> log) {
        this.directories = Map.copyOf(directories);
        this.log = log;
        // More sessions than a peer ever opens: drop the extra one. Strangers share what the
        // peer's reserved thread leaves, at most MAX_PER_ADDRESS each (refused connections are
        // closed without a log line: a flood must not flood the module log).
        Acceptor.Admission admission = new Acceptor.Admission(MAX_PER_ADDRESS, RESERVED_FOR_PEER, peer::contains);
        this.acceptor = new Acceptor(socket, "directory replication", "vigil-dirsync", MAX_SESSIONS,
                MAX_SESSIONS, admission, this::serve, DirSyncServer::closeQuietly, log);
    }

    /**
     * Binds and starts accepting (not yet serving: see {@link #serving(boolean, String)}).
     *
     * @param tls         this node's cluster certificates: only a peer with a certificate of the
     *                    same cluster CA gets past the TLS handshake
     * @param directories replicated directory name to its path on this node
     * @param log         one line per refused or failed connection (never key material)
     */
    public static DirSyncServer start(ClusterTls tls, String bindAddress, int port,
                                      Map<String, java.nio.file.Path> directories, Consumer<String> log)
            throws IOException {
        return start(tls, bindAddress, port, directories, null, log);
    }

    /**
     * As {@link #start(ClusterTls, String, int, Map, Consumer)}, keeping a session thread for
     * connections from {@code peerAddress} (replication.peerAddress; null: none kept).
     */
    public static DirSyncServer start(ClusterTls tls, String bindAddress, int port,
                                      Map<String, java.nio.file.Path> directories, String peerAddress,
                                      Consumer<String> log) throws IOException {
        Set<InetAddress> peer = peerAddresses(peerAddress, log);
        ServerSocket s;
        try {
            s = tls.listen(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        } catch (IOException e) {
            throw new IOException("cannot open the directory replication port " + bindAddress + ":" + port + " ("
                    + e.getMessage() + "): another program may use it, or the address is not on this machine; "
                    + "set replication.bindAddress / replication.port", e);
        }
        DirSyncServer server = new DirSyncServer(s, directories, peer, log);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return acceptor.port();
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
        acceptor.close();
        deadlines.shutdownNow();
    }

    /** The peer's addresses; none (the peer then shares the strangers' threads) when it cannot be resolved. */
    private static Set<InetAddress> peerAddresses(String peerAddress, Consumer<String> log) {
        if (peerAddress == null) {
            return Set.of();
        }
        try {
            return Set.of(InetAddress.getAllByName(peerAddress));
        } catch (UnknownHostException e) {
            log.accept("directory replication: cannot resolve replication.peerAddress '" + peerAddress
                    + "', so no session thread is kept for the peer: use an IP address there");
            return Set.of();
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            TlsChannel ch = authenticate((SSLSocket) client);
            client.setSoTimeout(IDLE_TIMEOUT_MS);
            new SourceSession(ch, directories, () -> serving, () -> notServingReason).run();
        } catch (AuthenticationException e) {
            log.accept("directory replication: " + e.getMessage());
        } catch (HandshakeRefused e) {
            log.accept("directory replication: refused a connection from " + client.getRemoteSocketAddress() + ": "
                    + e.getMessage());
        } catch (EOFException | SocketException | HandshakeCutOff e) {
            // the peer went away between requests: normal at the end of a pass
        } catch (IOException | RuntimeException e) {
            if (!acceptor.closed()) {
                log.accept("directory replication: session with " + client.getRemoteSocketAddress() + " failed: " + e);
            }
        }
    }


    /**
     * The TLS handshake (the client must prove a certificate of the cluster CA) and the hello,
     * cut off at {@link #AUTH_DEADLINE_MS} whatever the client sends: closing the socket from a
     * timer makes the handshake's read fail (a SocketException, not logged).
     */
    private TlsChannel authenticate(SSLSocket client) throws IOException {
        client.setSoTimeout(AUTH_DEADLINE_MS);
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> cut = deadlines.schedule(() -> {
            late.set(true);
            closeQuietly(client);
        }, AUTH_DEADLINE_MS, TimeUnit.MILLISECONDS);
        try {
            try {
                client.startHandshake();
            } catch (SSLException e) {
                if (late.get()) {
                    throw new HandshakeCutOff();
                }
                throw new HandshakeRefused(TlsRefusals.byServer(e));
            }
            return TlsChannel.server(client, wire);
        } catch (SocketTimeoutException | SocketException e) {
            throw new HandshakeCutOff();
        } finally {
            cut.cancel(false);
        }
    }

    /** The TLS handshake failed: the message says why, in words an operator can act on. */
    private static final class HandshakeRefused extends IOException {
        HandshakeRefused(String why) {
            super(why);
        }
    }

    /** No handshake before the deadline (or the client left): not worth a log line, a flood must not flood the log. */
    private static final class HandshakeCutOff extends IOException {
        HandshakeCutOff() {
            super("no handshake within " + AUTH_DEADLINE_MS + " ms");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

}
