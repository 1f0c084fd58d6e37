package io.vigil.security;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A password kept only as a slow salted hash (SPEC §7): PBKDF2-HMAC-SHA256 with
 * {@value #ITERATIONS} iterations (OWASP's 2023 figure for this function; 120,000 before issue 10).
 * A password given in clear in the configuration is hashed at start-up and the clear text is
 * dropped. Stored form: {@code pbkdf2$ITERATIONS$SALT_BASE64$HASH_BASE64}; a stored hash with
 * fewer iterations is still accepted, and {@link #outdated()} tells the caller to rehash it.
 */
public final class PasswordHash {

    public static final String PREFIX = "pbkdf2$";
    public static final int ITERATIONS = 600_000;
    /** Bounds on a stored count: below, the hash is worthless; above, one login would take minutes. */
    private static final int MIN_ITERATIONS = 10_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int BITS = 256;

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** From the configured secret: either a stored {@code pbkdf2$...} hash or the password itself. */
    public static PasswordHash of(String secret) {
        if (secret.startsWith(PREFIX)) {
            String[] p = secret.split("\\$");
            if (p.length != 4) {
                throw new IllegalArgumentException("the password hash is malformed: expected "
                        + "pbkdf2$ITERATIONS$SALT$HASH; write the password itself or generate the hash again");
            }
            PasswordHash stored;
            try {
                stored = new PasswordHash(Integer.parseInt(p[1]), Base64.getDecoder().decode(p[2]),
                        Base64.getDecoder().decode(p[3]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the password hash is malformed (bad number or base64); "
                        + "write the password itself or generate the hash again");
            }
            if (stored.iterations < MIN_ITERATIONS || stored.iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("the password hash has " + stored.iterations
                        + " iterations, outside " + MIN_ITERATIONS + ".." + MAX_ITERATIONS
                        + "; generate it again with vigil config hash-password");
            }
            return stored;
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, derive(secret.toCharArray(), salt, ITERATIONS));
    }

    /** Fewer iterations than today's: rehash the password at the next successful login. */
    public boolean outdated() {
        return iterations < ITERATIONS;
    }

    public int iterations() {
        return iterations;
    }

    /** The stored form, for writing a password file without the clear text. */
    public String encoded() {
        Base64.Encoder b = Base64.getEncoder();
        return PREFIX + iterations + "$" + b.encodeToString(salt) + "$" + b.encodeToString(hash);
    }

    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        // Constant-time comparison: response timing must not reveal how much of the hash matched.
        return MessageDigest.isEqual(hash, derive(candidate.toCharArray(), salt, iterations));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password, salt, iterations, BITS)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime lacks PBKDF2WithHmacSHA256", e);
        }
    }
}
