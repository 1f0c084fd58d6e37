package io.vigil.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * HMAC-SHA256, the one MAC every Vigil channel uses (heartbeats, lease messages, the admin
 * channel, the replication handshake, derived passwords): one place that sets it up, and the
 * constant-time comparison that goes with it.
 */
public final class Hmac {
    public static final String ALGORITHM = "HmacSHA256";
    public static final int BYTES = 32;

    private Hmac() {
    }

    /** A MAC keyed with {@code key}, ready for {@code update}/{@code doFinal}. */
    public static Mac keyed(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime ships HmacSHA256; missing it means a broken JDK.
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    /** The MAC of {@code parts}, one after the other. */
    public static byte[] of(byte[] key, byte[]... parts) {
        Mac mac = keyed(key);
        for (byte[] p : parts) {
            mac.update(p);
        }
        return mac.doFinal();
    }

    /** The MAC of {@code text} in UTF-8. */
    public static byte[] of(byte[] key, String text) {
        return of(key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares two MACs in constant time (no early exit an attacker could time). */
    public static boolean same(byte[] expected, byte[] given) {
        return MessageDigest.isEqual(expected, given);
    }
}
