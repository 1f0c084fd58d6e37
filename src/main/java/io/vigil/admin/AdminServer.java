package io.vigil.admin;

import io.vigil.api.NodeControl;
import io.vigil.log.RejectionSummary;
import io.vigil.pki.ClusterTls;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

/**
 * The node's TCP admin channel (SPEC §11, issue 2; TLS since issue 12): how the peer node reaches
 * this one, for its console's view of this node and for relayed {@code --cluster} commands. One
 * JSON request per connection ({@link AdminProtocol}) inside mutually authenticated TLS 1.3
 * pinned to the cluster CA ({@link ClusterTls}): a client without a certificate of this cluster's
 * CA, or with a server-only (console) certificate, never gets past the handshake. Requests only
 * read the status snapshot or enqueue a command through {@link NodeControl}; nothing here touches
 * the state machine. The local CLI uses {@link LocalAdminServer} instead.
 */
public final class AdminServer implements AutoCloseable {

    /**
     * Limits; the public {@link #start} uses {@link #DEFAULTS}, tests shorten them.
     *
     * @param requestDeadlineMs the TLS handshake and then the whole request must arrive within
     *                          this time of the connection, however they trickle in: until the
     *                          handshake ends a connection holds a thread for nobody we know
     *                          (issue 10 item 4), so it is closed at this deadline whatever it does
     * @param threads           connections served at once, which bounds concurrent handshakes
     * @param peerSlots         threads kept for connections from the peer's admin address
     * @param perSource         threads one other address may hold at once
     * @param summaryMs         refused connections after the first are logged as one summary
     *                          line per this interval, so a scanner cannot flood the module log
     */
    record Limits(int requestDeadlineMs, long commandTimeoutMs, int threads, int queued, int peerSlots,
                  int perSource, long summaryMs) {
    }

    static final Limits DEFAULTS = new Limits(3_000, 15_000, 8, 16, 2, 3, 10_000);

    private final ClusterTls tls;
    private final RequestHandler handler;
    private final Consumer<String> audit;
    private final Limits limits;
    private final io.vigil.security.Acceptor acceptor;
    private final RejectionSummary refusals;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-admin-timers");
        t.setDaemon(true);
        return t;
    });

    private AdminServer(ServerSocket socket, NodeControl control, ClusterTls tls, InetAddress peer,
                        Consumer<String> audit, Limits limits) {
        this.tls = tls;
        this.audit = audit;
        this.limits = limits;
        this.refusals = new RejectionSummary("connections", limits.summaryMs());
        this.handler = new RequestHandler(control, null, limits.commandTimeoutMs());
        this.acceptor = new io.vigil.security.Acceptor(socket, "admin channel", "vigil-admin", limits.threads(),
                limits.queued(), new ConnectionGate(peer, limits.threads(), limits.peerSlots(), limits.perSource()),
                this::serve, AdminServer::refuseBusy, audit);
    }

    /**
     * Binds and starts serving, keeping {@link Limits#peerSlots()} threads for connections from
     * {@code peerAddress} (the peer's {@code peer.adminAddress}).
     *
     * @param tls         this node's cluster certificates: the server's identity and the only CA trusted
     * @param peerAddress null, or a host name or address; one that does not resolve keeps no slot
     *                    and says so in the audit log
     * @param auditLog    receives one line per refused connection (rate-limited; never a key)
     * @throws IOException when the address cannot be bound; the message names it and what to do
     */
    public static AdminServer start(NodeControl control, ClusterTls tls, String bindAddress, int port,
                                    String peerAddress, Consumer<String> auditLog) throws IOException {
        return start(control, tls, bindAddress, port, peerAddress, auditLog, DEFAULTS);
    }

    static AdminServer start(NodeControl control, ClusterTls tls, String bindAddress, int port,
                             String peerAddress, Consumer<String> auditLog, Limits limits) throws IOException {
        if (tls == null) {
            throw new IllegalArgumentException("the admin channel needs this node's cluster certificates");
        }
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 50);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot open the admin channel on " + bindAddress + ":" + port + " ("
                    + e.getMessage() + "). Another vigil node or program may be using that port, or the address "
                    + "is not on this machine: stop it, or set admin.bindAddress / admin.port in the configuration",
                    e);
        }
        AdminServer server = new AdminServer(s, control, tls, resolvePeer(peerAddress, auditLog), auditLog, limits);
        server.acceptor.start();
        server.timers.scheduleWithFixedDelay(server::logSummary, 1, 1, TimeUnit.SECONDS);
        return server;
    }

    private static InetAddress resolvePeer(String peerAddress, Consumer<String> auditLog) {
        if (peerAddress == null) {
            return null;
        }
        try {
            return InetAddress.getByName(peerAddress);
        } catch (java.net.UnknownHostException e) {
            auditLog.accept("admin channel: peer.adminAddress '" + peerAddress + "' does not resolve, so no"
                    + " connection slot is kept for the peer; use its IP address in the configuration");
            return null;
        }
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return acceptor.port();
    }

    @Override
    public void close() {
        acceptor.close();
        timers.shutdownNow();
    }

    private void logSummary() {
        refusals.drainIfDue().ifPresent(line -> audit.accept("admin channel: " + line));
    }

    private void serve(Socket plain) {
        String host = plain.getInetAddress().getHostAddress();
        long deadline = System.nanoTime() + limits.requestDeadlineMs() * 1_000_000L;
        AtomicBoolean expired = new AtomicBoolean();
        // A handshake reads many records, each with its own socket timeout: only closing the
        // connection bounds the whole of it, whatever a client trickles in.
        ScheduledFuture<?> killer = timers.schedule(() -> {
            expired.set(true);
            closeQuietly(plain);
        }, limits.requestDeadlineMs(), TimeUnit.MILLISECONDS);
        try (plain) {
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(limits.requestDeadlineMs());
            SSLSocket s = tls.serverSide(plain);
            try {
                s.startHandshake();
            } catch (IOException e) {
                refused(host, HandshakeRefusal.reason(e, expired.get(), limits.requestDeadlineMs()));
                return;
            }
            killer.cancel(false);
            String remote = host + " (" + HandshakeRefusal.subject(s) + ")";
            InputStream in = new BufferedInputStream(new DeadlineInputStream(s, deadline));
            handler.serve(in, s.getOutputStream(), remote, limits.requestDeadlineMs());
        } catch (SocketTimeoutException | SocketException e) {
            // The client went quiet or away after its handshake; nothing to answer.
        } catch (IOException | RuntimeException e) {
            if (!acceptor.closed()) {
                audit.accept("admin channel: connection from " + host + " failed: " + e);
            }
        } finally {
            killer.cancel(false);
        }
    }

    /** The first refusal since the last summary is logged in full at once; the rest are counted. */
    private void refused(String host, HandshakeRefusal why) {
        String line = "refused a connection from " + host + ": " + why.detail();
        if (refusals.record(why.category(), host, line)) {
            audit.accept("admin channel: " + line);
        }
    }

    /**
     * Beyond the connection limits: closed at once, before any TLS. Answering would take a
     * handshake, the very work the limit is there to bound; the client retries (AdminClient).
     */
    private static void refuseBusy(Socket client) {
        closeQuietly(client);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
