package io.vigil.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.Command;
import io.vigil.api.CommandResult;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Turns one request line into one response object: parse, authenticate, execute. Never throws
 * for anything a client can send; the answer then says precisely what was wrong.
 */
final class RequestHandler {

    private static final int MAX_WHO_CHARS = 200;

    private final NodeControl control;
    private final byte[] key;
    private final BiConsumer<String, String> authFailed;
    private final long commandTimeoutMs;

    /** @param authFailed told (client address, what was wrong) of every failed authentication */
    RequestHandler(NodeControl control, byte[] key, BiConsumer<String, String> authFailed, long commandTimeoutMs) {
        this.control = control;
        this.key = key.clone();
        this.authFailed = authFailed;
        this.commandTimeoutMs = commandTimeoutMs;
    }

    /**
     * One answer and the client nonce it is bound to (see {@link AdminProtocol}).
     *
     * @param nonce the request's nonce, or null when the request was not read that far: then the
     *              answer (an error) cannot be sealed, and a current client will not believe it
     */
    record Answer(Map<String, Object> body, String nonce) {
    }

    /** @param remote the client's address, for the audit log */
    Answer handle(String line, String challenge, String remote) {
        JsonNode envelope;
        try {
            envelope = AdminProtocol.JSON.readTree(line);
        } catch (JacksonException e) {
            return new Answer(error("bad-request", "malformed JSON: " + firstLine(e.getOriginalMessage())), null);
        }
        if (envelope == null || !envelope.isObject()) {
            return new Answer(error("bad-request", "the request line must be a JSON object {\"request\":{...},"
                    + "\"mac\":\"...\"}"), null);
        }
        JsonNode request = envelope.get("request");
        if (request == null || !request.isObject()) {
            return new Answer(error("bad-request", "missing \"request\" object"), null);
        }
        String nonce = nonce(request);
        if (nonce == null) {
            // A protocol-1 client (no nonce, signed with the cluster key): one clear line, not a bad MAC.
            return new Answer(error("version", "the client speaks admin protocol 1 (its request has no valid"
                    + " \"nonce\"), this node " + AdminProtocol.VERSION + ": upgrade both nodes and use the vigil"
                    + " CLI of their version"), null);
        }
        String authProblem = authenticate(challenge, request, envelope.get("mac"));
        if (authProblem != null) {
            authFailed.accept(remote, authProblem);
            return new Answer(error("auth", "authentication failed: " + authProblem), nonce);
        }
        try {
            return new Answer(execute(request, remote), nonce);
        } catch (RuntimeException e) {
            // A bug behind NodeControl must not kill the channel; the operator still gets an answer.
            return new Answer(error("internal", "the node failed while answering: " + e.getClass().getSimpleName()
                    + ": " + e.getMessage()), nonce);
        }
    }

    /** The request's nonce: 64 hex characters, or null. */
    private static String nonce(JsonNode request) {
        JsonNode n = request.get("nonce");
        if (n == null || !n.isTextual() || !n.asText().matches("[0-9a-f]{" + 2 * AdminProtocol.NONCE_BYTES + "}")) {
            return null;
        }
        return n.asText();
    }

    /** @return null when the MAC is right, otherwise why not (without any secret) */
    private String authenticate(String challenge, JsonNode request, JsonNode macNode) {
        if (macNode == null || !macNode.isTextual()) {
            return "missing \"mac\"";
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(macNode.asText());
        } catch (IllegalArgumentException e) {
            return "\"mac\" is not hexadecimal";
        }
        byte[] expected = AdminProtocol.mac(key, challenge, request);
        // Constant time, so the MAC cannot be guessed byte by byte from response timings.
        if (!MessageDigest.isEqual(expected, given)) {
            return "the MAC does not match (the client uses a different cluster key, or replayed an old request)";
        }
        return null;
    }

    private Map<String, Object> execute(JsonNode request, String remote) {
        String op = text(request, "op");
        if ("status".equals(op)) {
            Map<String, Object> ok = ok();
            ok.put("status", control.status());
            return ok;
        }
        if ("logs".equals(op)) {
            return logs(request);
        }
        if ("estimate".equals(op)) {
            return estimate();
        }
        if (!"command".equals(op)) {
            return error("bad-request", op == null ? "missing \"op\"; expected " + OPS
                    : "unknown op \"" + CommandWords.printable(op) + "\"; expected " + OPS);
        }
        Command command;
        try {
            command = CommandWords.parse(text(request, "command"), text(request, "arg"));
        } catch (IllegalArgumentException e) {
            return error("bad-request", e.getMessage());
        }
        return submit(command, who(text(request, "who"), remote));
    }

    private static final String OPS = "\"status\", \"logs\", \"estimate\" or \"command\"";

    private Map<String, Object> estimate() {
        try {
            Map<String, Object> ok = ok();
            ok.put("estimate", control.estimate());
            return ok;
        } catch (IllegalStateException e) {
            return error("refused", e.getMessage());
        }
    }

    private Map<String, Object> logs(JsonNode request) {
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

    private Map<String, Object> submit(Command command, String who) {
        CommandResult result;
        try {
            result = control.submit(command, who).get(commandTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return error("timeout", "the node did not decide on \"" + command.describe() + "\" within "
                    + commandTimeoutMs / 1000 + " s; check its module log, then look at `vigil status`");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
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
     * The operator for the commands log: what the client claims (every holder of the admin key
     * can claim anything: a shared key cannot tell operators apart), and the address the request
     * came from, which the client does not choose.
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
