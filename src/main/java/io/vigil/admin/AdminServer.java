package io.vigil.admin;

import io.vigil.api.NodeControl;
import io.vigil.log.RejectionSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The node's admin channel (SPEC §11, issue 2): the CLI's way into a running node. TCP, one
 * JSON object per line, one request per connection, authenticated with the cluster key by a
 * challenge-response (see {@link AdminProtocol}). Requests only read the status snapshot or
 * enqueue a command through {@link NodeControl}; nothing here touches the state machine.
 */
public final class AdminServer implements AutoCloseable {

    /**
     * Limits; the public {@link #start} uses {@link #DEFAULTS}, tests shorten them.
     *
     * @param requestDeadlineMs the whole signed request must arrive within this time of the
     *                          connection, however it trickles in: until it is authenticated a
     *                          connection holds a thread for nobody we know (issue 10, item 4)
     * @param peerSlots         threads kept for connections from the peer's admin address
     * @param perSource         threads one other address may hold at once
     * @param summaryMs         failed authentications after the first are logged as one summary
     *                          line per this interval, so guessing cannot flood the module log
     */
    record Limits(int requestDeadlineMs, long commandTimeoutMs, int threads, int queued, int peerSlots,
                  int perSource, long summaryMs) {
    }

    static final Limits DEFAULTS = new Limits(3_000, 15_000, 8, 16, 2, 3, 10_000);

    private final RequestHandler handler;
    /** The admin key ({@code ClusterKeys#admin}): checks requests, seals answers. */
    private final byte[] key;
    private final Consumer<String> audit;
    private final Limits limits;
    private final NodeControl control;
    private final io.vigil.security.Acceptor acceptor;
    private final SecureRandom random = new SecureRandom();
    private final RejectionSummary authFailures;
    private final ScheduledExecutorService summaries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-admin-summary");
        t.setDaemon(true);
        return t;
    });

    private AdminServer(ServerSocket socket, NodeControl control, byte[] key, InetAddress peer, Consumer<String> audit,
                        Limits limits) {
        this.audit = audit;
        this.limits = limits;
        this.authFailures = new RejectionSummary("requests", limits.summaryMs());
        this.handler = new RequestHandler(control, key, this::authFailed, limits.commandTimeoutMs());
        this.key = key.clone();
        this.control = control;
        this.acceptor = new io.vigil.security.Acceptor(socket, "admin channel", "vigil-admin", limits.threads(),
                limits.queued(), new ConnectionGate(peer, limits.threads(), limits.peerSlots(), limits.perSource()),
                this::serve, AdminServer::refuseBusy, audit);
    }

    /**
     * Binds and starts serving.
     *
     * @param port     0 for an ephemeral port (tests); see {@link #port()}
     * @param auditLog receives one line per refused authentication (never the key or a MAC)
     * @throws IOException when the address cannot be bound; the message names it and what to do
     */
    public static AdminServer start(NodeControl control, byte[] adminKey, String bindAddress, int port,
                                    Consumer<String> auditLog) throws IOException {
        return start(control, adminKey, bindAddress, port, null, auditLog, DEFAULTS);
    }

    /**
     * The same, keeping {@link Limits#peerSlots()} threads for connections from {@code peerAddress}
     * (the peer's {@code peer.adminAddress}: its console and {@code --cluster} commands).
     *
     * @param peerAddress null, or a host name or address; one that does not resolve keeps no slot
     *                    and says so in the audit log
     */
    public static AdminServer start(NodeControl control, byte[] adminKey, String bindAddress, int port,
                                    String peerAddress, Consumer<String> auditLog) throws IOException {
        return start(control, adminKey, bindAddress, port, peerAddress, auditLog, DEFAULTS);
    }

    static AdminServer start(NodeControl control, byte[] adminKey, String bindAddress, int port,
                             String peerAddress, Consumer<String> auditLog, Limits limits) throws IOException {
        if (adminKey == null || adminKey.length == 0) {
            throw new IllegalArgumentException("the admin channel needs the admin key (ClusterKeys#admin)");
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
        AdminServer server = new AdminServer(s, control, adminKey, resolvePeer(peerAddress, auditLog), auditLog,
                limits);
        server.acceptor.start();
        server.summaries.scheduleWithFixedDelay(server::logSummary, 1, 1, TimeUnit.SECONDS);
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
        summaries.shutdownNow();
    }

    /** The first failure since the last summary is logged in full at once; the rest are counted. */
    private void authFailed(String source, String problem) {
        if (authFailures.record("authentication failed", source, "from " + source + ": " + problem)) {
            audit.accept("admin channel: authentication failed for a request from " + source + ": " + problem);
        }
    }

    private void logSummary() {
        authFailures.drainIfDue().ifPresent(line -> audit.accept("admin channel: " + line));
    }

    private void serve(Socket client) {
        String remote = String.valueOf(client.getRemoteSocketAddress());
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(new DeadlineInputStream(client,
                    System.nanoTime() + limits.requestDeadlineMs() * 1_000_000L));
            OutputStream out = client.getOutputStream();
            String challenge = newChallenge();
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("challenge", challenge);
            hello.put("node", nodeId());
            hello.put("protocol", AdminProtocol.VERSION);
            write(out, hello);
            // The address without the port: the key for counting failures per client host.
            // Issue 10 item 8: a big log answer goes out as several frames (AdminProtocol.frames).
            String host = client.getInetAddress().getHostAddress();
            for (String frame : seal(respond(in, challenge, host), challenge)) {
                out.write(frame.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (SocketTimeoutException e) {
            // The client went quiet; it has had the idle time to answer.
        } catch (SocketException e) {
            // Client went away mid-exchange; nothing to answer.
        } catch (IOException | RuntimeException e) {
            audit.accept("admin channel: connection from " + remote + " failed: " + e);
        }
    }

    /**
     * Issue 10 item 5: every frame carries the admin key's MAC over (challenge, client nonce,
     * frame index, frame), so nobody in between can forge, replay, reorder or drop answers.
     * An answer to a request that could not be read as far as its nonce goes out unsealed.
     */
    private List<String> seal(RequestHandler.Answer answer, String challenge) {
        List<String> frames = AdminProtocol.frames(answer.body());
        return answer.nonce() == null ? frames : AdminProtocol.sealed(frames, key, challenge, answer.nonce());
    }

    private RequestHandler.Answer respond(InputStream in, String challenge, String remote) throws IOException {
        String line;
        try {
            line = AdminProtocol.readLine(in);
        } catch (AdminProtocol.LineTooLongException e) {
            drainAfterOversizeLine(in);
            return new RequestHandler.Answer(RequestHandler.error("bad-request", "request line longer than "
                    + AdminProtocol.MAX_LINE_BYTES + " bytes; refused"), null);
        } catch (SocketTimeoutException e) {
            return new RequestHandler.Answer(RequestHandler.error("bad-request", "no request within "
                    + limits.requestDeadlineMs() / 1000.0 + " s; closing"), null);
        }
        if (line == null) {
            throw new SocketException("closed before sending a request");
        }
        return handler.handle(line, challenge, remote);
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy our
     * answer before the client reads it; so swallow the rest of the line, within bounds.
     */
    private static void drainAfterOversizeLine(InputStream in) throws IOException {
        for (int i = 0; i < 16 * AdminProtocol.MAX_LINE_BYTES; i++) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                return;
            }
        }
    }

    /** The node id for the greeting; null while the node has no status yet. */
    private Integer nodeId() {
        try {
            var status = control.status();
            return status == null || status.node() == null ? null : status.node().nodeId();
        } catch (RuntimeException e) {
            return null;
        }
    }


    private String newChallenge() {
        byte[] bytes = new byte[AdminProtocol.CHALLENGE_BYTES];
        random.nextBytes(bytes);
        return AdminProtocol.hex(bytes);
    }

    private static void refuseBusy(Socket client) {
        try (client) {
            client.setSoTimeout(1000);
            write(client.getOutputStream(), RequestHandler.error("busy",
                    "the admin channel is busy (too many connections in all, or from this address); try again"
                            + " in a few seconds"));
        } catch (IOException e) {
            // The client will see the connection close.
        }
    }

    private static void write(OutputStream out, Map<String, Object> message) throws IOException {
        out.write(AdminProtocol.line(message).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

}
