package io.vigil.checker;

import java.util.Objects;

/** The outcome of one probe: ok or not, and a short human-readable reason for the status view. */
public record ProbeResult(boolean ok, String detail) {

    public ProbeResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static ProbeResult ok(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
