package io.vigil.pki;

/** A certificate set that cannot be used; the message says what is wrong and what to do. */
public final class PkiException extends Exception {
    public PkiException(String message) {
        super(message);
    }
}
