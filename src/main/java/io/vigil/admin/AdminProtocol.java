package io.vigil.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.security.Hmac;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The wire format shared by {@link AdminServer} and {@link AdminClient}: one JSON object per
 * line, UTF-8. The server opens with a fresh random challenge; the client's single request
 * line carries {@code HMAC-SHA256(adminKey, challenge + "\n" + canonical(request))}, the request
 * holding a fresh random {@code nonce} of the client's. Because the challenge is new on every
 * connection, a captured request cannot be replayed.
 *
 * <p>Since protocol 2 (issue 10 item 5) every answer frame is authenticated too: frame {@code i}
 * carries {@code "frame": i} and {@code "mac": HMAC-SHA256(adminKey, "vigil-admin-answer\n" +
 * challenge + "\n" + nonce + "\n" + i + "\n" + canonical(frame without "mac"))}. The challenge and
 * the nonce bind it to this exchange (an answer recorded from another one does not verify), the
 * index to its place (frames cannot be reordered or dropped: the last one says {@code more:false}),
 * and the prefix keeps an answer's MAC from ever being taken for a request's.
 */
final class AdminProtocol {

    /** Requests and responses longer than this are refused, so a client cannot exhaust memory. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int CHALLENGE_BYTES = 32;
    /** The client's nonce: 32 random bytes, hex. */
    static final int NONCE_BYTES = 32;
    /** 1: requests signed with the cluster key, answers unsigned; 2: admin key, signed answers. */
    static final int VERSION = 2;
    /** What sealing adds to a frame: {@code ,"frame":N,"mac":"<64 hex>"}, with room to spare. */
    static final int SEAL_BYTES = 128;
    private static final String ANSWER_DOMAIN = "vigil-admin-answer";

    /** Strict on input: duplicate keys would let two parsers disagree on what was signed. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AdminProtocol() {
    }

    /** Compact JSON with object keys sorted at every level: the bytes both sides sign. */
    static String canonical(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode out = JSON.createObjectNode();
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return out;
        }
        return node;
    }

    static byte[] mac(byte[] key, String challenge, JsonNode request) {
        return Hmac.of(key, challenge + "\n" + canonical(request));
    }

    /** The MAC of answer frame {@code index} of the exchange (challenge, nonce); see the class comment. */
    static byte[] answerMac(byte[] key, String challenge, String nonce, int index, JsonNode frame) {
        JsonNode unsealed = frame;
        if (frame.has("mac")) {
            ObjectNode copy = ((ObjectNode) frame).deepCopy();
            copy.remove("mac");
            unsealed = copy;
        }
        return Hmac.of(key, ANSWER_DOMAIN + "\n" + challenge + "\n" + nonce + "\n" + index + "\n"
                + canonical(unsealed));
    }

    /** Whether {@code frame} is frame {@code index} of this exchange, sealed with {@code key}. */
    static boolean answerAuthentic(byte[] key, String challenge, String nonce, int index, JsonNode frame) {
        JsonNode mac = frame.get("mac");
        if (mac == null || !mac.isTextual() || frame.path("frame").asInt(-1) != index) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(mac.asText());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Hmac.same(answerMac(key, challenge, nonce, index, frame), given);
    }

    /**
     * The frames of an answer as they go on the wire: each numbered and sealed (class comment).
     * {@link #frames} leaves {@link #SEAL_BYTES} of room in every line for this.
     */
    static List<String> sealed(List<String> frames, byte[] key, String challenge, String nonce) {
        List<String> out = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            try {
                ObjectNode frame = (ObjectNode) JSON.readTree(frames.get(i));
                frame.put("frame", i);
                frame.put("mac", hex(answerMac(key, challenge, nonce, i, frame)));
                out.add(JSON.writeValueAsString(frame) + "\n");
            } catch (IOException e) {
                throw new IllegalStateException("cannot re-read an answer frame this node wrote", e);
            }
        }
        return out;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
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
        if (utf8Length(whole) <= MAX_LINE_BYTES - SEAL_BYTES) {
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
