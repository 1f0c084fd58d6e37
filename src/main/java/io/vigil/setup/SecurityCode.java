package io.vigil.setup;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * The one-time code node 2 prints and the operator types on node 1 (SPEC §6, §7). It is the
 * password of the pairing's PAKE: 16 characters of an alphabet without look-alikes (no 0/O,
 * 1/I/L, U), 80 bits, shown in groups of four. Dashes, spaces and case do not matter when typed.
 */
public final class SecurityCode {
    /** Crockford's base-32 alphabet: digits and letters an operator cannot confuse. */
    static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private SecurityCode(String value) {
        this.value = value;
    }

    public static SecurityCode random() {
        StringBuilder b = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new SecurityCode(b.toString());
    }

    /**
     * The code as typed by the operator.
     *
     * @throws SetupException it cannot be a code node 2 printed; says what is wrong with it
     */
    public static SecurityCode parse(String typed) throws SetupException {
        if (typed == null || typed.isBlank()) {
            throw new SetupException("no security code given: type the code that `vigil setup secondary` printed on"
                    + " node 2 (--code XXXX-XXXX-XXXX-XXXX)");
        }
        String v = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
        for (char c : v.toCharArray()) {
            if (ALPHABET.indexOf(c) < 0) {
                throw new SetupException("the security code holds '" + c + "', which no code contains (codes use"
                        + " digits and the letters A-Z without I, L, O and U): type it exactly as node 2 printed it");
            }
        }
        if (v.length() != LENGTH) {
            throw new SetupException("the security code has " + v.length() + " characters, not " + LENGTH
                    + ": type all four groups that node 2 printed");
        }
        return new SecurityCode(v);
    }

    /** The secret the PAKE runs on. */
    char[] secret() {
        return value.toCharArray();
    }

    /** For the operator on node 2: XXXX-XXXX-XXXX-XXXX. */
    public String display() {
        return value.substring(0, 4) + "-" + value.substring(4, 8) + "-" + value.substring(8, 12) + "-"
                + value.substring(12);
    }

    /** Never the code itself: it must not reach a log through a print. */
    @Override
    public String toString() {
        return "SecurityCode[<redacted>]";
    }
}
