package io.vigil.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.Action;
import io.vigil.core.Command;
import io.vigil.api.CommandResult;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request on an admin connection whose client is known (TLS handshake done, or the Unix
 * socket's peer accepted), shared by {@link AdminServer} and {@link LocalAdminServer}: the
 * greeting, one bounded request line, and the answer in one or more frames ({@link #serve});
 * in between, the line becomes the answer ({@link #handle}): parse, check the protocol, execute.
 * Never throws for anything a client can send; the answer then says precisely what was wrong.
 * Who may send requests at all is settled before a line is read: by TLS between the nodes, by the
 * Unix socket's peer credentials on the node's own machine.
 */
final class RequestHandler {

    private static final int MAX_WHO_CHARS = 200;

    private final NodeControl control;
    private final NodeControl peer;
    private final long commandTimeoutMs;

    /**
     * @param peer the peer node as this node reaches it over TLS, for requests marked
     *             {@code "peer":true} (the local CLI's {@code --cluster}); null where relaying is
     *             refused: the channel between the nodes never relays, so no request can loop
     */
    RequestHandler(NodeControl control, NodeControl peer, long commandTimeoutMs) {
        this.control = control;
        this.peer = peer;
        this.commandTimeoutMs = commandTimeoutMs;
    }

    /**
     * Greets the client, reads its one request line and writes the answer.
     *
     * @param in      the client's bytes, already under a deadline: a read past it throws
     *                {@link SocketTimeoutException}
     * @param remote  who the client is, for the commands log
     * @param waitMs  the request deadline, for the message of a client that sent nothing
     */
    void serve(InputStream in, OutputStream out, String remote, long waitMs) throws IOException {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("node", nodeId());
        hello.put("protocol", AdminProtocol.version());
        write(out, AdminProtocol.line(hello));
        // Issue 10 item 8: a big log answer goes out as several frames (AdminProtocol.frames).
        for (String frame : AdminProtocol.frames(respond(in, remote, waitMs))) {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    private Map<String, Object> respond(InputStream in, String remote, long waitMs) throws IOException {
        String line;
        try {
            line = AdminProtocol.readLine(in);
        } catch (AdminProtocol.LineTooLongException e) {
            drainAfterOversizeLine(in);
            return error("bad-request", "request line longer than " + AdminProtocol.MAX_LINE_BYTES
                    + " bytes; refused");
        } catch (SocketTimeoutException e) {
            return error("bad-request", "no request within " + waitMs / 1000.0 + " s; closing");
        }
        if (line == null) {
            throw new SocketException("closed before sending a request");
        }
        return handle(line, remote);
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

    static void write(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** @param remote who sent it (address or local user), for the commands log */
    Map<String, Object> handle(String line, String remote) {
        JsonNode request;
        try {
            request = AdminProtocol.JSON.readTree(line);
        } catch (JacksonException e) {
            return error("bad-request", "malformed JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (request == null || !request.isObject()) {
            return error("bad-request", "the request line must be a JSON object {\"protocol\":"
                    + AdminProtocol.version() + ",\"op\":...}");
        }
        String refused = AdminProtocol.refusal(AdminProtocol.version(), "the client " + remote, request.get("protocol"));
        if (refused != null) {
            return error("version", refused);
        }
        NodeControl target = control;
        if (request.path("peer").asBoolean(false)) {
            if (peer == null) {
                return error("bad-request", "this channel does not relay to the other node; ask that node itself");
            }
            target = peer;
        }
        try {
            return execute(target, request, remote);
        } catch (PeerControl.Unavailable e) {
            return error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            // A bug behind NodeControl must not kill the channel; the operator still gets an answer.
            return error("internal", "the node failed while answering: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        }
    }

    private Map<String, Object> execute(NodeControl control, JsonNode request, String remote) {
        String op = text(request, "op");
        if ("status".equals(op)) {
            Map<String, Object> ok = ok();
            ok.put("status", control.status());
            return ok;
        }
        if ("logs".equals(op)) {
            return logs(control, request);
        }
        if ("estimate".equals(op)) {
            return estimate(control);
        }
        if ("dump".equals(op)) {
            return refusable("dump", () -> control.dump("operator " + who(text(request, "who"), remote)));
        }
        if ("dumps".equals(op)) {
            return refusable("dumps", () -> new AdminClient.DumpList(control.dumps()));
        }
        if (!"command".equals(op)) {
            return error("bad-request", op == null ? "missing \"op\"; expected " + OPS
                    : "unknown op \"" + AdminProtocol.printable(op) + "\"; expected " + OPS);
        }
        Command command;
        try {
            command = Action.parse(text(request, "command"), text(request, "arg")).command();
        } catch (IllegalArgumentException e) {
            return error("bad-request", e.getMessage());
        }
        return submit(control, command, who(text(request, "who"), remote));
    }

    private static final String OPS = "\"status\", \"logs\", \"estimate\", \"dump\", \"dumps\" or \"command\"";

    private Map<String, Object> estimate(NodeControl control) {
        return refusable("estimate", control::estimate);
    }

    /** An answer the node may refuse with a reason (IllegalStateException), put under {@code field}. */
    private static Map<String, Object> refusable(String field, java.util.function.Supplier<Object> answer) {
        try {
            Map<String, Object> ok = ok();
            ok.put(field, answer.get());
            return ok;
        } catch (IllegalStateException e) {
            return error("refused", e.getMessage());
        }
    }

    private Map<String, Object> logs(NodeControl control, JsonNode request) {
        String log = text(request, "log");
        if (log == null || !LogPage.LOGS.contains(log)) {
            return error("bad-request", "\"log\" must be one of " + LogPage.LOGS);
        }
        int offset = request.path("offset").asInt(0);
        int limit = request.path("limit").asInt(100);
        // A client that reads chunked answers may ask for many lines; an older one only for what
        // used to fit (and still may not: then it gets AdminProtocol's "too-large" error).
        boolean chunked = request.path("chunked").asBoolean(false);
        int maxLimit = chunked ? MAX_CHUNKED_LINES : MAX_SINGLE_LINES;
        if (offset < 0 || limit < 1 || limit > maxLimit) {
            return error("bad-request", "offset must be >= 0 and limit 1.." + maxLimit + " (got " + offset + ", "
                    + limit + ")");
        }
        try {
            Map<String, Object> ok = ok();
            LogPage page = control.logs(log, request.path("verbose").asBoolean(false), offset, limit);
            ok.put("logs", chunked ? cutLongLines(page) : page);
            if (chunked) {
                ok.put("more", false);
            }
            return ok;
        } catch (java.io.IOException e) {
            return error("internal", "cannot read the " + log + " log: " + e.getMessage());
        }
    }

    /** The most lines one answer may hold: 100,000 lines of a module log are about 10 MB. */
    static final int MAX_CHUNKED_LINES = 100_000;
    static final int MAX_SINGLE_LINES = 5000;

    /** A service can print a line of any length; one frame must still hold it, so it is cut and marked. */
    static LogPage cutLongLines(LogPage page) {
        List<String> lines = new ArrayList<>(page.lines().size());
        for (String l : page.lines()) {
            lines.add(l.length() <= AdminProtocol.MAX_LOG_LINE_CHARS ? l
                    : l.substring(0, AdminProtocol.MAX_LOG_LINE_CHARS) + " [cut: " + (l.length()
                    - AdminProtocol.MAX_LOG_LINE_CHARS) + " more characters]");
        }
        return new LogPage(page.log(), page.verbose(), lines);
    }

    private Map<String, Object> submit(NodeControl control, Command command, String who) {
        CommandResult result;
        try {
            result = control.submit(command, who).get(commandTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return error("timeout", "the node did not decide on \"" + command.describe() + "\" within "
                    + commandTimeoutMs / 1000 + " s; check its module log, then look at `vigil status`");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof PeerControl.Unavailable u) {
                return error(u.code(), u.getMessage());
            }
            return error("internal", "the node failed while handling \"" + command.describe() + "\": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("internal", "the admin channel is shutting down");
        } catch (RuntimeException e) {
            return error("internal", "the node could not accept \"" + command.describe() + "\": " + e.getMessage());
        }
        Map<String, Object> ok = ok();
        ok.put("result", result);
        return ok;
    }

    /**
     * The operator for the commands log: what the client claims (a node's certificate can claim
     * any operator name), and where the request came from (the address and certificate, or the
     * local user the kernel names), which the client does not choose.
     */
    static String who(String claimed, String remote) {
        String from = " from " + remote;
        if (claimed == null || claimed.isBlank()) {
            return "unknown (admin channel)" + from;
        }
        String clean = claimed.replaceAll("\\p{Cntrl}", "?");
        return (clean.length() > MAX_WHO_CHARS ? clean.substring(0, MAX_WHO_CHARS) : clean) + from;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static Map<String, Object> ok() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        return m;
    }

    static Map<String, Object> error(String code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("code", code);
        m.put("error", message);
        return m;
    }
}
