package io.vigil.log;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Replaces registered secrets (cluster key, passwords) with {@code <redacted>} before a line
 * reaches disk: logs end up in dumps and support snapshots (SPEC §2 "Support"), so a secret
 * written once is effectively published. One instance is typically shared by all logs.
 */
public final class Redactor {

    public static final String REDACTED = "<redacted>";
    /** Shorter strings would blank out ordinary words; SPEC §6 passwords are at least 6 characters. */
    static final int MIN_SECRET_LENGTH = 4;

    private volatile List<String> secrets = List.of();

    /**
     * Registers a secret. Hex keys are also matched in the other letter case, since the same
     * key may be printed either way.
     *
     * @throws IllegalArgumentException if the secret is shorter than 4 characters
     */
    public synchronized void addSecret(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("a secret to redact must have at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        List<String> variants = secret.matches("[0-9a-fA-F]+")
                ? List.of(secret, secret.toLowerCase(Locale.ROOT), secret.toUpperCase(Locale.ROOT))
                : List.of(secret);
        List<String> next = new ArrayList<>(secrets);
        variants.stream().filter(v -> !next.contains(v)).distinct().forEach(next::add);
        // Longest first, so a secret containing another one is removed whole.
        next.sort(Comparator.comparingInt(String::length).reversed());
        secrets = List.copyOf(next);
    }

    public String apply(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, REDACTED);
        }
        return out;
    }
}
