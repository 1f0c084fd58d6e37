package io.vigil.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Fixed keys for the fuzz targets (a run must not depend on anything but its seed) and HMAC. */
final class FuzzKeys {

    private FuzzKeys() {
    }

    /** 32 bytes derived from {@code label}; not a secret, only a test key. */
    static byte[] key(String label) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("vigil fuzz " + label).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    /** HMAC-SHA256 of the first {@code len} bytes of {@code data}. */
    static byte[] hmac(byte[] key, byte[] data, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 0, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        return hmac(key, data, data.length);
    }
}
