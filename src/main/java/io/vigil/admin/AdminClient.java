package io.vigil.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Talks to one node's {@link AdminServer}: one connection per request. Every failure becomes an
 * {@link AdminException} whose kind tells the CLI which exit code to use and whose message tells a
 * person what to check.
 */
public final class AdminClient {

    /** Connecting never needs long on a LAN; a silent address should not stall the CLI for the full timeout. */
    private static final int MAX_CONNECT_TIMEOUT_MS = 5000;
    private static final long BUSY_RETRY_MS = 250;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final String host;
    private final int port;
    private final byte[] key;
    private final int timeoutMs;

    /**
     * @param adminKey  the admin channel's key ({@code ClusterKeys#admin}), never the cluster key itself
     * @param timeoutMs how long to wait for the node's answer (commands take up to 15 s inside the node)
     */
    public AdminClient(String host, int port, byte[] adminKey, int timeoutMs) {
        this.host = host;
        this.port = port;
        this.key = adminKey.clone();
        this.timeoutMs = timeoutMs;
    }

    /** host:port, as the messages show it. */
    public String address() {
        return host + ":" + port;
    }

    public DaemonStatus status() throws AdminException {
        ObjectNode request = AdminProtocol.JSON.createObjectNode().put("op", "status");
        return convert(exchange(request).get("status"), DaemonStatus.class, "status");
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
     * @param command one of {@link CommandWords#WORDS}
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
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS));
            s.setSoTimeout(timeoutMs);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            JsonNode hello = read(in, "greeting");
            if ("busy".equals(hello.path("code").asText())) {
                throw new Busy(hello.path("error").asText("busy"));
            }
            failIfError(hello);
            JsonNode challenge = hello.get("challenge");
            if (challenge == null || !challenge.isTextual()) {
                throw protocol("its greeting has no challenge");
            }
            checkVersion(hello);
            Exchange x = new Exchange(challenge.asText(), newNonce());
            ObjectNode signed = request.deepCopy().put("nonce", x.nonce());
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("request", signed);
            envelope.put("mac", AdminProtocol.hex(AdminProtocol.mac(key, x.challenge(), signed)));
            out.write(AdminProtocol.line(envelope).getBytes(StandardCharsets.UTF_8));
            out.flush();
            JsonNode response = read(in, "answer");
            verify(response, x, 0);
            failIfError(response);
            if (maxLines > 0) {
                joinFrames(in, response, maxLines, x);
            }
            return response;
        } catch (UnknownHostException e) {
            throw new AdminException(AdminException.Kind.UNREACHABLE, "cannot reach the vigil admin channel at "
                    + address() + ": unknown host " + host + ". Check peer.adminAddress / admin.bindAddress", e);
        } catch (ConnectException | NoRouteToHostException e) {
            throw unreachable(e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw unreachable("no answer within " + timeoutMs + " ms", e);
        } catch (IOException e) {
            throw unreachable(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
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
    private void joinFrames(InputStream in, JsonNode first, int maxLines, Exchange x) throws IOException,
            AdminException {
        ArrayNode lines = linesOf(first);
        long chars = 0;
        JsonNode frame = first;
        int index = 0;
        while (frame.path("more").asBoolean(false)) {
            frame = read(in, "answer");
            verify(frame, x, ++index);
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

    /** The challenge of the node and the nonce of ours that every answer frame must be bound to. */
    private record Exchange(String challenge, String nonce) {
    }

    private String newNonce() {
        byte[] b = new byte[AdminProtocol.NONCE_BYTES];
        RANDOM.nextBytes(b);
        return AdminProtocol.hex(b);
    }

    /**
     * Refuses a node of another protocol version with one clear line (a version-1 node would only
     * refuse our MAC, as it checks requests with another key).
     */
    private void checkVersion(JsonNode hello) throws AdminException {
        JsonNode v = hello.get("protocol");
        if (v == null || !v.canConvertToInt() || v.asInt() != AdminProtocol.VERSION) {
            throw new AdminException(AdminException.Kind.ERROR, "node at " + address() + " speaks admin protocol "
                    + (v == null ? "?" : CommandWords.printable(v.asText())) + ", this vigil "
                    + AdminProtocol.VERSION + ": upgrade both nodes (and the CLI) to the same Vigil version");
        }
    }

    /**
     * Issue 10 item 5: believes an answer frame only with the admin key's MAC over this exchange and
     * this frame's place. A refusal of our own authentication cannot be sealed with our key by a node
     * that holds another one, so that one is reported as before: at worst a forged one makes the
     * request fail, never look done.
     */
    private void verify(JsonNode frame, Exchange x, int index) throws AdminException {
        if (AdminProtocol.answerAuthentic(key, x.challenge(), x.nonce(), index, frame)) {
            return;
        }
        if (index == 0 && !frame.path("ok").asBoolean(true) && "auth".equals(frame.path("code").asText())) {
            failIfError(frame);
        }
        throw new AdminException(AdminException.Kind.AUTH, "the answer from " + address() + " is not authenticated:"
                + " wrong cluster key on one side, or someone in between");
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
        boolean auth = "auth".equals(response.path("code").asText()) || error.startsWith("authentication failed");
        if (auth) {
            throw new AdminException(AdminException.Kind.AUTH, "node at " + address() + " refused our "
                    + "authentication: " + error + ". Both nodes and the CLI must use the same cluster.key");
        }
        throw new AdminException(AdminException.Kind.REFUSED, "node at " + address() + " refused the request: "
                + error);
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
