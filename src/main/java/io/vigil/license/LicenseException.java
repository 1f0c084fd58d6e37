package io.vigil.license;

/** A license that cannot be used; the message says what is wrong and what to do. */
public final class LicenseException extends Exception {
    public LicenseException(String message) {
        super(message);
    }
}
