package io.vigil.resource;

/** The outcome of {@link ResourceManager#startAll()}; on failure {@code detail} names the resource and why. */
public record StartResult(boolean ok, String detail) {

    public static StartResult started() {
        return new StartResult(true, "all resources running");
    }

    public static StartResult failed(String detail) {
        return new StartResult(false, detail);
    }
}
