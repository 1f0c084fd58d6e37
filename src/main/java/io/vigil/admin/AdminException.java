package io.vigil.admin;

/** Why an admin request did not produce an answer from the node. */
public final class AdminException extends Exception {

    /** The kind of failure, so the CLI can map it to its documented exit code. */
    public enum Kind {
        /** Nothing answered at the address (refused, timed out, unknown host). */
        UNREACHABLE,
        /** The node rejected our MAC: the two sides do not share the same cluster key. */
        AUTH,
        /** The node understood the channel but refused the request (bad request, timeout inside the node). */
        REFUSED,
        /** The other end did not speak the admin protocol (wrong port?) or broke it. */
        ERROR
    }

    private final Kind kind;

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public AdminException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
