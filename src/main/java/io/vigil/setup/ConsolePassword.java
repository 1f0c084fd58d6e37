package io.vigil.setup;

/**
 * The console password rules of SPEC §6: 6 to 32 characters, each a letter, a digit or one of
 * {@code ( ) * _ - .}. Checked before anything is hashed or written; only the hash is stored.
 */
public final class ConsolePassword {
    public static final int MIN = 6;
    public static final int MAX = 32;
    static final String SPECIALS = "()*_-.";

    private ConsolePassword() {
    }

    /** @throws SetupException the password breaks a rule; the message names the rule, never the password */
    public static void check(char[] password) throws SetupException {
        if (password.length < MIN || password.length > MAX) {
            throw new SetupException("the console password has " + password.length + " characters: it must have "
                    + MIN + " to " + MAX);
        }
        for (int i = 0; i < password.length; i++) {
            char c = password[i];
            boolean asciiLetter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            boolean digit = c >= '0' && c <= '9';
            if (!asciiLetter && !digit && SPECIALS.indexOf(c) < 0) {
                throw new SetupException("the console password's character " + (i + 1) + " is not allowed: use only"
                        + " letters A-Z a-z, digits and ( ) * _ - .");
            }
        }
    }
}
