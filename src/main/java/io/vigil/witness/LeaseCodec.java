package io.vigil.witness;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.protocol.ProtocolVersion;
import io.vigil.security.Hmac;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;

/**
 * Wire format between nodes and the witness: "VGWT" + protocol byte + JSON + 32-byte HMAC-SHA256
 * of everything before it, keyed with the cluster's witness key ({@code ClusterKeys#witness}, never
 * the cluster key itself: issue 10 item 5). The witness finds the key by the cluster
 * name in the JSON, then checks the MAC before trusting any field.
 *
 * <p>The protocol byte is {@code '0'} plus the Vigil protocol version ({@link ProtocolVersion}:
 * "VGWT5" for protocol 5), and either side accepts a message one version apart, so the witness
 * keeps serving both nodes during a rolling upgrade. Before protocol 5 it was the witness's own
 * digit: '1' keyed with the cluster key, '2' with the witness key derived from it.
 */
public final class LeaseCodec {
    static final byte[] MAGIC = magic(ProtocolVersion.current());
    private static final int MAGIC_PREFIX = 4;
    /** The hint in every bad-MAC line: the likely cause after an upgrade, and its fix. */
    static final String UPGRADE_HINT = "if this witness was set up before Vigil 0.1.0, replace its key for the cluster"
            + " with the output of `vigil key witness` on a node";
    static final int MAC_BYTES = 32;
    static final int MAX_BYTES = 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private LeaseCodec() {
    }

    /** The first bytes of every message of {@code protocol}. */
    public static byte[] magic(int protocol) {
        byte[] m = Arrays.copyOf("VGWT".getBytes(StandardCharsets.US_ASCII), MAGIC_PREFIX + 1);
        m[MAGIC_PREFIX] = (byte) ('0' + protocol);
        return m;
    }

    /** Encodes and signs as this process's protocol version. */
    public static byte[] encode(LeaseMessage m, byte[] key) {
        return encode(m, key, ProtocolVersion.current());
    }

    /** Encodes and signs as {@code protocol}. */
    static byte[] encode(LeaseMessage m, byte[] key, int protocol) {
        try {
            byte[] body = JSON.writeValueAsBytes(m);
            byte[] out = new byte[MAGIC.length + body.length + MAC_BYTES];
            System.arraycopy(magic(protocol), 0, out, 0, MAGIC.length);
            System.arraycopy(body, 0, out, MAGIC.length, body.length);
            byte[] mac = mac(key, out, MAGIC.length + body.length);
            System.arraycopy(mac, 0, out, MAGIC.length + body.length, MAC_BYTES);
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode a lease message", e);
        }
    }

    /**
     * Decodes and authenticates. {@code keys} maps a cluster name to its key (null if unknown).
     * Every failure is a {@link IllegalArgumentException} whose message says what is wrong.
     */
    public static LeaseMessage decode(byte[] buf, int len, Function<String, byte[]> keys) {
        return decode(buf, len, keys, ProtocolVersion.current());
    }

    /** As {@link #decode(byte[], int, Function)}, judging the sender's version as {@code protocol} does. */
    static LeaseMessage decode(byte[] buf, int len, Function<String, byte[]> keys, int protocol) {
        if (len < MAGIC.length + 2 + MAC_BYTES || len > MAX_BYTES) {
            throw rejected("size", "datagram of " + len + " bytes is not a lease message");
        }
        if (!Arrays.equals(buf, 0, MAGIC_PREFIX, MAGIC, 0, MAGIC_PREFIX)) {
            throw rejected("bad magic", "not a Vigil witness message (bad magic)");
        }
        int theirs = (buf[MAGIC_PREFIX] & 0xff) - '0';
        if (!ProtocolVersion.accepts(protocol, theirs)) {
            throw rejected("version", ProtocolVersion.refusal(protocol, "the sender", theirs)
                    + " (upgrade the witness after both nodes, one version at a time)");
        }
        int bodyEnd = len - MAC_BYTES;
        Map<?, ?> peek;
        try {
            peek = JSON.readValue(buf, MAGIC.length, bodyEnd - MAGIC.length, Map.class);
        } catch (java.io.IOException e) {
            throw rejected("malformed", "malformed lease message body");
        }
        if (peek == null) {
            throw rejected("malformed", "malformed lease message body (not a JSON object)");
        }
        Object cluster = peek.get("cluster");
        byte[] key = cluster instanceof String c ? keys.apply(c) : null;
        if (key == null) {
            throw rejected("unknown cluster", "unknown cluster "
                    + (cluster instanceof String c ? "'" + shorten(c) + "'" : "")
                    + ": add it to the witness configuration");
        }
        byte[] expected = mac(key, buf, bodyEnd);
        if (!Hmac.same(expected, Arrays.copyOfRange(buf, bodyEnd, len))) {
            throw rejected("bad MAC", "bad MAC for cluster '" + cluster + "': wrong witness key, or an altered packet; "
                    + UPGRADE_HINT);
        }
        try {
            return JSON.readValue(buf, MAGIC.length, bodyEnd - MAGIC.length, LeaseMessage.class);
        } catch (java.io.IOException e) {
            throw rejected("malformed", "malformed lease message fields");
        }
    }

    /**
     * Whether a message that failed with "bad MAC" for the key {@code heldKey} is signed with the
     * witness key derived from it: then {@code heldKey} is the cluster key itself, left in the
     * witness configuration from before protocol 2. Costs one HMAC.
     *
     * @param derivedFromHeld {@code ClusterKeys.of(heldKey).witness(cluster)}, computed once by the caller
     */
    public static boolean signedWith(byte[] buf, int len, byte[] derivedFromHeld) {
        if (len < MAGIC.length + 2 + MAC_BYTES || len > MAX_BYTES) {
            return false;
        }
        int bodyEnd = len - MAC_BYTES;
        return Hmac.same(mac(derivedFromHeld, buf, bodyEnd), Arrays.copyOfRange(buf, bodyEnd, len));
    }

    /**
     * The fixed category of a decoding failure ("size", "bad magic", "version", "malformed",
     * "unknown cluster", "bad MAC"): a key for counting rejections that the sender cannot vary.
     */
    public static String category(IllegalArgumentException e) {
        return e instanceof Rejected r ? r.category : "malformed";
    }

    /** A datagram that is not an authentic lease message; the message says why. */
    static final class Rejected extends IllegalArgumentException {
        private final String category;

        Rejected(String category, String message) {
            super(message);
            this.category = category;
        }

        /** No stack trace: building one per junk datagram would let a flood burn our CPU. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private static Rejected rejected(String category, String message) {
        return new Rejected(category, message);
    }

    /** Unauthenticated text goes into log lines: keep it short. */
    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static byte[] mac(byte[] key, byte[] data, int len) {
        javax.crypto.Mac mac = Hmac.keyed(key);
        mac.update(data, 0, len);
        return mac.doFinal();
    }
}
