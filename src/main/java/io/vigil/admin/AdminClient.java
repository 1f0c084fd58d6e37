package io.vigil.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;

import io.vigil.pki.ClusterTls;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

/**
 * Talks to one node's admin channel: one connection per request, over TLS to the peer
 * ({@link #overTls}, the console's view of the peer and the local node's relay) or over the local
 * Unix socket ({@link #local}, the CLI). Every failure becomes an {@link AdminException} whose
 * kind tells the CLI which exit code to use and whose message tells a person what to check.
 */
public final class AdminClient {

    /** Connecting never needs long on a LAN; a silent address should not stall the CLI for the full timeout. */
    private static final int MAX_CONNECT_TIMEOUT_MS = 5000;
    private static final long BUSY_RETRY_MS = 250;

    private final Connector connector;
    private final boolean relay;
    private final int timeoutMs;

    /** Opens one connection, ready for the admin protocol (TLS handshake done). */
    private interface Connector {
        Connection open(int timeoutMs) throws IOException, AdminException, Busy;

        String address();
    }

    private record Connection(java.io.Closeable closeable, InputStream in, OutputStream out) {
    }

    private AdminClient(Connector connector, boolean relay, int timeoutMs) {
        this.connector = connector;
        this.relay = relay;
        this.timeoutMs = timeoutMs;
    }

    /**
     * The admin channel of the node at {@code host:port}, which must prove a certificate of the
     * cluster CA naming {@code host}; this side proves its own ({@code tls}).
     *
     * @param timeoutMs how long to wait for the node's answer (commands take up to 15 s inside the node)
     */
    public static AdminClient overTls(ClusterTls tls, String host, int port, int timeoutMs) {
        return new AdminClient(new TlsConnector(tls, host, port), false, timeoutMs);
    }

    /**
     * The peer's admin channel as this node reaches it, with this node's certificates from
     * {@code <dataDir>/tls}. A node without usable certificates (not paired yet, damaged files)
     * gets a client whose every request fails with that reason, so the console and the CLI say
     * why instead of the node refusing to start.
     */
    public static AdminClient toPeerOf(Path dataDir, String host, int port, int timeoutMs) {
        try {
            return overTls(ClusterTls.load(dataDir), host, port, timeoutMs);
        } catch (IOException | io.vigil.pki.PkiException e) {
            String why = "this node cannot reach its peer over TLS: " + e.getMessage();
            return new AdminClient(new Unavailable(host + ":" + port, why), false, timeoutMs);
        }
    }

    /** A connector that never connects, saying why (see {@link #toPeerOf}). */
    private record Unavailable(String address, String why) implements Connector {
        @Override
        public Connection open(int timeoutMs) throws AdminException {
            throw new AdminException(AdminException.Kind.UNREACHABLE, why);
        }
    }

    /** This machine's node through its local socket ({@code admin.socket}): needs no key. */
    public static AdminClient local(Path socket, int timeoutMs) {
        return new AdminClient(new LocalConnector(socket), false, timeoutMs);
    }

    /** The same socket, asking the local node to pass each request on to its peer over TLS. */
    public AdminClient toPeer() {
        return new AdminClient(connector, true, timeoutMs);
    }

    /** Where requests go, as the messages show it. */
    public String address() {
        return relay ? connector.address() + " (relayed to the peer)" : connector.address();
    }

    public DaemonStatus status() throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "status");
        return convert(exchange(request).get("status"), DaemonStatus.class, "status");
    }

    /** Support "dump": the node writes one and names it; see {@link io.vigil.api.NodeControl#dump}. */
    public io.vigil.api.DumpInfo dump(String who) throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "dump").put("who", who);
        return convert(exchange(request).get("dump"), io.vigil.api.DumpInfo.class, "dump");
    }

    /** The dumps the node keeps, oldest first. */
    public java.util.List<io.vigil.api.DumpInfo> dumps() throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "dumps");
        return convert(exchange(request).get("dumps"), DumpList.class, "dumps").dumps();
    }

    /** The answer to "dumps": an object, as every answer field of this protocol. */
    record DumpList(java.util.List<io.vigil.api.DumpInfo> dumps) {
    }

    /** Expert action "estimate data sync"; see {@link io.vigil.api.NodeControl#estimate}. */
    public io.vigil.replication.ResyncEstimate estimate() throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "estimate");
        return convert(exchange(request).get("estimate"), io.vigil.replication.ResyncEstimate.class, "estimate");
    }

    /** Reads one of the node's logs; see {@link io.vigil.api.NodeControl#logs}. */
    public io.vigil.api.LogPage logs(String log, boolean verbose, int offset, int limit) throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "logs").put("log", log)
                .put("verbose", verbose).put("offset", offset).put("limit", limit).put("chunked", true);
        return convert(exchange(request, limit).get("logs"), io.vigil.api.LogPage.class, "logs");
    }

    /**
     * Sends an operator command. A command the node refuses still returns normally, with
     * {@link CommandResult#accepted()} false and the node's reason.
     *
     * @param command one of {@link io.vigil.core.Action#words()}
     * @param arg     the argument for boot/failover/checkers, else null
     * @param who     the operator, for the node's commands log
     */
    public CommandResult command(String command, String arg, String who) throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "command").put("command", command);
        if (arg != null) {
            request.put("arg", arg);
        }
        request.put("who", who);
        return convert(exchange(request).get("result"), CommandResult.class, "result");
    }

    /**
     * One exchange, repeated while the node answers "busy" and the timeout allows: the node
     * refuses at once rather than queueing (issue 10, item 4), and its threads free up within
     * its request deadline, so a retry a moment later usually gets through.
     */
    private JsonNode exchange(ObjectNode request) throws AdminException {
        return exchange(request, 0);
    }

    private JsonNode exchange(ObjectNode request, int maxLines) throws AdminException {
        long giveUpAt = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            try {
                return exchangeOnce(request, maxLines);
            } catch (Busy busy) {
                if (System.nanoTime() + BUSY_RETRY_MS * 1_000_000L >= giveUpAt) {
                    throw new AdminException(AdminException.Kind.REFUSED, "node at " + address()
                            + " refused the request: " + busy.getMessage(), null);
                }
                pauseBeforeRetry();
            }
        }
    }

    /** The node's "busy" answer: retried by {@link #exchange}. */
    private static final class Busy extends Exception {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private static void pauseBeforeRetry() throws AdminException {
        try {
            Thread.sleep(BUSY_RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.ERROR, "interrupted while the node was busy", e);
        }
    }

    /**
     * @param maxLines for a log request, the lines asked for: the answer may then come in frames
     *                 (issue 10 item 8), joined here and never holding more than that
     */
    private JsonNode exchangeOnce(ObjectNode request, int maxLines) throws AdminException, Busy {
        Connection c = null;
        JsonNode hello = null;
        try {
            c = connector.open(timeoutMs);
            hello = greeting(c.in());
            failIfError(hello);
            checkVersion(hello);
            ObjectNode sent = request.deepCopy().put("protocol", AdminProtocol.version());
            if (relay) {
                sent.put("peer", true);
            }
            c.out().write((AdminProtocol.JSON.writeValueAsString(sent) + "\n").getBytes(StandardCharsets.UTF_8));
            c.out().flush();
            JsonNode response = read(c.in(), "answer");
            failIfError(response);
            if (maxLines > 0) {
                joinFrames(c.in(), response, maxLines);
            }
            return response;
        } catch (UnknownHostException e) {
            throw new AdminException(AdminException.Kind.UNREACHABLE, "cannot reach the vigil admin channel at "
                    + address() + ": unknown host " + e.getMessage() + ". Check peer.adminAddress", e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw unreachable(e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw unreachable("no answer within " + timeoutMs + " ms", e);
        } catch (javax.net.ssl.SSLException e) {
            throw TlsFailure.afterHandshake(address(), e);
        } catch (IOException e) {
            if (c != null && hello == null && c.closeable() instanceof SSLSocket) {
                // TLS 1.3: our handshake ends before the node checks our certificate; a node that
                // refuses it closes, and the alert saying so can be lost to the reset.
                throw TlsFailure.closedAfterHandshake(address(), e);
            }
            throw unreachable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.closeable().close();
        } catch (IOException e) {
            // Nothing more to read from it.
        }
    }

    /** TLS to a peer node; a failed handshake says which side refused what. */
    private record TlsConnector(ClusterTls tls, String host, int port) implements Connector {
        @Override
        public Connection open(int timeoutMs) throws IOException, AdminException, Busy {
            SSLSocket s;
            try {
                s = tls.connect(host, port, Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS));
            } catch (javax.net.ssl.SSLHandshakeException e) {
                if (TlsFailure.closedByServer(e)) {
                    throw closedDuringHandshake();
                }
                throw TlsFailure.handshake(address(), e);
            } catch (javax.net.ssl.SSLException e) {
                throw TlsFailure.handshake(address(), e);
            } catch (SocketException e) {
                if (!(e instanceof ConnectException) && TlsFailure.closedByServer(e)) {
                    throw closedDuringHandshake();
                }
                throw e;
            }
            s.setSoTimeout(timeoutMs);
            return new Connection(s, new BufferedInputStream(s.getInputStream()), s.getOutputStream());
        }

        /**
         * The node closes connections beyond its limits before any TLS (AdminServer.refuseBusy),
         * so this is retried; a node that refuses our certificate may close the same way.
         */
        private static Busy closedDuringHandshake() {
            return new Busy("it closed the connection during the TLS handshake: it is busy (too many connections,"
                    + " or from this address), or it refused this node's certificate (its module log says which)");
        }

        @Override
        public String address() {
            return host + ":" + port;
        }
    }

    /** The local node's Unix socket; the kernel tells the node who we are. */
    private record LocalConnector(Path socket) implements Connector {
        @Override
        public Connection open(int timeoutMs) throws IOException, AdminException {
            SocketChannel ch;
            try {
                ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            } catch (java.nio.file.AccessDeniedException | SocketException e) {
                throw localFailure(e);
            }
            // A Unix socket's streams have no read timeout: a watchdog closes it instead.
            return new Connection(new TimedChannel(ch, timeoutMs), new BufferedInputStream(Channels.newInputStream(ch)),
                    Channels.newOutputStream(ch));
        }

        private AdminException localFailure(IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("ermission denied")) {
                return new AdminException(AdminException.Kind.AUTH, "cannot use the node's local admin socket "
                        + socket + ": permission denied. Only root and members of the group '" + LocalAccess.GROUP
                        + "' may: run the command with sudo, or add the user to the group", e);
            }
            return new AdminException(AdminException.Kind.UNREACHABLE, "cannot reach the node's local admin socket "
                    + socket + " (" + m + "): is `vigil node` running on this machine with this configuration"
                    + " (admin.socket)?", e);
        }

        @Override
        public String address() {
            return socket.toString();
        }
    }

    /** Closes a channel after a time, as a socket timeout would end a stalled read. */
    private static final class TimedChannel implements java.io.Closeable {
        private static final java.util.concurrent.ScheduledExecutorService TIMER =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "vigil-admin-client-timer");
                    t.setDaemon(true);
                    return t;
                });
        private final SocketChannel ch;
        private final java.util.concurrent.ScheduledFuture<?> timer;

        TimedChannel(SocketChannel ch, int timeoutMs) {
            this.ch = ch;
            this.timer = TIMER.schedule(() -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    // Already closed.
                }
            }, timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws IOException {
            timer.cancel(false);
            ch.close();
        }
    }

    /** A node over its limits closes the connection before greeting: that one is retried. */
    private JsonNode greeting(InputStream in) throws IOException, AdminException, Busy {
        in.mark(1);
        if (in.read() < 0) {
            throw new Busy("it closed the connection before its greeting (busy: too many connections)");
        }
        in.reset();
        return read(in, "greeting");
    }

    private JsonNode read(InputStream in, String what) throws IOException, AdminException {
        String line;
        try {
            line = AdminProtocol.readLine(in);
        } catch (AdminProtocol.LineTooLongException e) {
            throw protocol("its " + what + " is longer than " + AdminProtocol.MAX_LINE_BYTES + " bytes");
        }
        if (line == null) {
            throw unreachable("the connection closed before the node's " + what, null);
        }
        try {
            JsonNode node = AdminProtocol.JSON.readTree(line);
            if (node == null || !node.isObject()) {
                throw protocol("its " + what + " is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw protocol("its " + what + " is not JSON");
        }
    }

    /** The most characters of log lines one answer may bring, whatever a peer sends. */
    private static final long MAX_ANSWER_CHARS = 64L * 1024 * 1024;

    /** Appends the lines of the frames that follow {@code first} (while "more" is true) to its own. */
    private void joinFrames(InputStream in, JsonNode first, int maxLines) throws IOException, AdminException {
        ArrayNode lines = linesOf(first);
        long chars = 0;
        JsonNode frame = first;
        while (frame.path("more").asBoolean(false)) {
            frame = read(in, "answer");
            failIfError(frame);
            ArrayNode more = linesOf(frame);
            if (more.isEmpty() && frame.path("more").asBoolean(false)) {
                throw protocol("a continued answer carries no log lines");
            }
            for (JsonNode line : more) {
                chars += line.asText().length();
            }
            lines.addAll(more);
            if (lines.size() > maxLines || chars > MAX_ANSWER_CHARS) {
                throw protocol("its answer holds more than the " + maxLines + " log lines asked for");
            }
        }
    }

    /** Refuses a node more than one protocol version apart with one clear line (issue 15). */
    private void checkVersion(JsonNode hello) throws AdminException {
        String refused = AdminProtocol.refusal(AdminProtocol.version(), "node at " + address(), hello.get("protocol"));
        if (refused != null) {
            throw new AdminException(AdminException.Kind.ERROR, refused);
        }
    }

    private ArrayNode linesOf(JsonNode frame) throws AdminException {
        if (!(frame.path("logs").path("lines") instanceof ArrayNode lines)) {
            throw protocol("its answer has no \"logs\" lines");
        }
        return lines;
    }

    private void failIfError(JsonNode response) throws AdminException {
        if (response.path("ok").asBoolean(true)) {
            return;
        }
        String error = response.path("error").asText("the node gave no reason");
        String code = response.path("code").asText("");
        if (code.startsWith("peer-")) {
            // The local node could not reach its peer: its client's own words and kind.
            throw new AdminException(peerKind(code), error);
        }
        if ("denied".equals(code)) {
            throw new AdminException(AdminException.Kind.AUTH, "node at " + address() + " refused this user: "
                    + error);
        }
        throw new AdminException(AdminException.Kind.REFUSED, "node at " + address() + " refused the request: "
                + error);
    }

    private static AdminException.Kind peerKind(String code) {
        for (AdminException.Kind k : AdminException.Kind.values()) {
            if (code.equals("peer-" + k.name().toLowerCase(java.util.Locale.ROOT))) {
                return k;
            }
        }
        return AdminException.Kind.ERROR;
    }

    private <T> T convert(JsonNode node, Class<T> type, String field) throws AdminException {
        if (node == null || !node.isObject()) {
            throw protocol("its answer has no \"" + field + "\" object");
        }
        try {
            return AdminProtocol.JSON.treeToValue(node, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw protocol("its \"" + field + "\" cannot be read (" + firstLine(e.getMessage()) + "); "
                    + "are the CLI and the node the same Vigil version?");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private AdminException unreachable(String why, Throwable cause) {
        return new AdminException(AdminException.Kind.UNREACHABLE, "cannot reach the vigil admin channel at "
                + address() + " (" + why + "): is `vigil node` running there?", cause);
    }

    private AdminException protocol(String why) {
        return new AdminException(AdminException.Kind.ERROR, address() + " does not speak the vigil admin "
                + "protocol: " + why + ". Is that the admin port of a vigil node (admin.port / peer.adminPort)?");
    }
}
