package io.vigil.vms.management;

/**
 * A request the management server refuses, with the HTTP status, the field at fault (null when
 * the request as a whole is wrong) and a message that says what to do. Thrown before anything is
 * written, or inside the write's transaction, which then rolls back: a refused request changes nothing.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String field;

    public ApiError(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    public static ApiError badField(String field, String message) {
        return new ApiError(400, field, message);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, null, what + " does not exist");
    }

    public static ApiError conflict(String field, String message) {
        return new ApiError(409, field, message);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
