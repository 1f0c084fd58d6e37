package io.vigil.setup;

/** A setup step cannot go on; the message says what is wrong and what to do. Nothing was changed. */
public final class SetupException extends Exception {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
