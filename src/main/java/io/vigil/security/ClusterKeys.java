package io.vigil.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place where keys come from (issue 10 item 5, "one key does everything"). The
 * configured cluster key is never used directly: each purpose gets its own 32-byte key,
 * derived with HKDF-SHA256 (RFC 5869) under a fixed, versioned label, so a secret handed to one
 * consumer (the witness host above all) opens nothing else, and a purpose's key can change
 * (a new "/v2" label) without touching the others.
 *
 * <p>Each caller takes only the key of its purpose: the heartbeat codec the heartbeat key, the
 * database roles the db-superuser key, the witness client its cluster's witness key. (The admin
 * channel and directory replication need none: they run over TLS of the cluster CA, issue 12.)
 * The labels are part of the wire protocol, so changing one is a protocol change for both nodes.
 */
public final class ClusterKeys {

    /** The purposes and their HKDF "info" labels. Never change a label: add a new version. */
    public enum Purpose {
        HEARTBEAT("vigil/heartbeat/v1"),
        DB_SUPERUSER("vigil/db-superuser/v1");
        // Retired labels, never to be reused for another purpose: "vigil/admin/v1" (admin protocol 2;
        // protocol 3 is TLS of the cluster CA) and "vigil/dirsync/v1" (replication protocol 3; 4 is TLS).

        private final String label;

        Purpose(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The witness label is per cluster: a witness serving several clusters holds one key each. */
    static final String WITNESS_LABEL_PREFIX = "vigil/witness/v1/";
    public static final int KEY_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private final byte[] clusterKey;

    private ClusterKeys(byte[] clusterKey) {
        this.clusterKey = clusterKey.clone();
    }

    /** @param clusterKey the configured cluster key (cluster.key / cluster.keyFile), at least 16 bytes */
    public static ClusterKeys of(byte[] clusterKey) {
        Objects.requireNonNull(clusterKey, "cluster key");
        if (clusterKey.length < 16) {
            throw new IllegalArgumentException("the cluster key is " + clusterKey.length + " bytes; at least 16 are"
                    + " required (cluster.key: 32 or more hex characters)");
        }
        return new ClusterKeys(clusterKey);
    }

    /** Signs and checks heartbeats (HeartbeatCodec). */
    public byte[] heartbeat() {
        return derive(Purpose.HEARTBEAT.label());
    }

    /** The database roles' passwords derive from this one (daemon.Databases). */
    public byte[] dbSuperuser() {
        return derive(Purpose.DB_SUPERUSER.label());
    }

    /**
     * The key the nodes and the witness share for the lease messages of cluster {@code clusterName}
     * (LeaseCodec); the only secret the witness host holds (`vigil key witness` prints it).
     */
    public byte[] witness(String clusterName) {
        if (clusterName == null || clusterName.isEmpty()) {
            throw new IllegalArgumentException("the witness key is derived with the cluster's name; it is empty");
        }
        return derive(WITNESS_LABEL_PREFIX + clusterName);
    }

    private byte[] derive(String label) {
        return hkdf(null, clusterKey, label.getBytes(StandardCharsets.UTF_8), KEY_BYTES);
    }

    /**
     * HKDF-SHA256 (RFC 5869 §2): extract, then expand.
     *
     * @param salt   null or empty for RFC 5869's default (32 zero bytes)
     * @param length 1..8160 bytes (255 blocks)
     */
    public static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("HKDF-SHA256 output must be 1.." + 255 * HASH_BYTES + " bytes, asked "
                    + length);
        }
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] s = salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt;
        return mac(s).doFinal(ikm);
    }

    static byte[] expand(byte[] prk, byte[] info, int length) {
        Mac mac = mac(prk);
        ByteArrayOutputStream okm = new ByteArrayOutputStream(length + HASH_BYTES);
        byte[] t = new byte[0];
        for (int i = 1; okm.size() < length; i++) {
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            okm.writeBytes(t);
        }
        return Arrays.copyOf(okm.toByteArray(), length);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterKeys[<redacted>]";
    }
}
