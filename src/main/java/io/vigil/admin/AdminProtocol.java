package io.vigil.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.vigil.protocol.ProtocolVersion;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wire format shared by {@link AdminServer}, {@link LocalAdminServer} and {@link AdminClient}:
 * one JSON object per line, UTF-8, one request per connection. The server greets with
 * {@code {"node":N,"protocol":5}}, the client sends one request {@code {"protocol":5,"op":...}},
 * the server answers in one line or, for a big log page, in several frames.
 *
 * <p>{@code "protocol"} is the Vigil protocol version ({@link ProtocolVersion}, issue 15): either end
 * accepts the other one version apart, so the nodes keep controlling each other (swap) during a
 * rolling upgrade. Up to 3 it was the admin channel's own version (3: TLS, below).
 *
 * <p>Protocol 3 (issue 12) carries no authentication of its own: between the nodes it runs inside
 * mutually authenticated TLS 1.3 pinned to the cluster CA ({@link io.vigil.pki.ClusterTls}), and on
 * the node's own machine over a Unix socket whose peer the kernel names ({@code SO_PEERCRED}).
 * The HMAC challenge, request signature and answer sealing of protocols 1 and 2 are gone: TLS
 * gives every byte integrity, binds it to the connection (a recorded exchange cannot be replayed
 * on another) and proves who is at the other end.
 */
final class AdminProtocol {

    /** Requests and responses longer than this are refused, so a client cannot exhaust memory. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /**
     * The admin channel's own version when it moved to TLS (1: HMAC with the cluster key; 2: HMAC
     * with the admin key, sealed answers; 3: TLS / Unix socket): a node older than that speaks plain text.
     */
    static final int TLS_SINCE = 3;

    /** Strict on input: duplicate keys would let two parsers disagree on what was asked. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdminProtocol() {
    }

    /** The version this process greets and asks with. */
    static int version() {
        return ProtocolVersion.current();
    }

    /**
     * Null if the other end's {@code "protocol"} field is within the window of {@code ours}; else
     * what is wrong and what to do, naming both versions.
     *
     * @param who the other end as the reader knows it ("the client 10.0.0.2", "node at 10.0.0.2:4800")
     */
    static String refusal(int ours, String who, com.fasterxml.jackson.databind.JsonNode theirs) {
        if (theirs != null && theirs.isIntegralNumber() && theirs.canConvertToInt()) {
            return ProtocolVersion.accepts(ours, theirs.asInt()) ? null
                    : ProtocolVersion.refusal(ours, who, theirs.asInt()) + " (the vigil CLI speaks its installed version)";
        }
        return who + " speaks admin protocol " + (theirs == null ? "1 or 2 (no \"protocol\")" : printable(theirs.asText()))
                + ", this node " + ours + ": use the vigil CLI of the node's version, and give both nodes"
                + " versions at most one apart";
    }

    static String line(Map<String, ?> fields) {
        try {
            return JSON.writeValueAsString(fields) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + fields.keySet(), e);
        }
    }

    /**
     * The lines that carry one answer. An answer that fits in {@link #MAX_LINE_BYTES} is one line,
     * as always. A log page that does not (issue 10 item 8: 5,000 log lines are more than 64 KiB)
     * is split into frames of whole log lines, each a complete answer with {@code "more": true}
     * except the last; only clients that asked with {@code "chunked": true} get such answers
     * (RequestHandler marks them with "more"), so an older CLI is refused, never silently cut.
     */
    static List<String> frames(Map<String, Object> answer) {
        String whole = line(answer);
        if (utf8Length(whole) <= MAX_LINE_BYTES) {
            return List.of(whole);
        }
        if (!(answer.get("logs") instanceof io.vigil.api.LogPage page) || !answer.containsKey("more")) {
            return List.of(line(RequestHandler.error("too-large", "the answer is " + utf8Length(whole)
                    + " bytes, more than the admin channel's " + MAX_LINE_BYTES + "; ask for fewer log lines, or use"
                    + " a vigil CLI of the same version as the node")));
        }
        List<String> out = new ArrayList<>();
        int budget = MAX_LINE_BYTES - FRAME_OVERHEAD_BYTES;
        int from = 0;
        int used = 0;
        List<String> lines = page.lines();
        for (int i = 0; i < lines.size(); i++) {
            int size = jsonLength(lines.get(i)) + 1;
            if (used + size > budget && i > from) {
                out.add(frame(page, lines.subList(from, i), true));
                from = i;
                used = 0;
            }
            used += size;
        }
        out.add(frame(page, lines.subList(from, lines.size()), false));
        return out;
    }

    /** Room left in a frame for the envelope around the lines: {"ok":true,"logs":{...},"more":true}. */
    private static final int FRAME_OVERHEAD_BYTES = 1024;

    /**
     * The longest log line sent over the channel, in characters. Escaped as JSON a character takes
     * at most 6 bytes, so one cut line always fits in a frame with its envelope.
     */
    static final int MAX_LOG_LINE_CHARS = (MAX_LINE_BYTES - FRAME_OVERHEAD_BYTES) / 6;

    private static String frame(io.vigil.api.LogPage page, List<String> lines, boolean more) {
        Map<String, Object> m = RequestHandler.ok();
        m.put("logs", new io.vigil.api.LogPage(page.log(), page.verbose(), List.copyOf(lines)));
        m.put("more", more);
        return line(m);
    }

    private static int jsonLength(String s) {
        try {
            return JSON.writeValueAsBytes(s).length;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a log line", e);
        }
    }

    /** Error messages quote client input; keep them short and free of control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Reads one '\n'-terminated line of at most {@link #MAX_LINE_BYTES} bytes.
     *
     * @return the line without its terminator, or null at end of stream before any byte
     * @throws LineTooLongException when the limit is reached before a newline
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return buf.toString(StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_LINE_BYTES) {
                throw new LineTooLongException();
            }
            buf.write(b);
        }
    }

    /** A line longer than {@link #MAX_LINE_BYTES}. */
    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("line longer than " + MAX_LINE_BYTES + " bytes");
        }
    }
}
