package io.vigil.resource;

import io.vigil.checker.CheckerSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One protected service. {@code start} runs in the foreground for as long as the service runs
 * (like a systemd {@code Type=simple} unit), so its exit means the service died.
 *
 * @param name        internal name, {@code [a-z0-9-]+}, shown on hover in the console (SPEC §5)
 * @param description display name
 * @param stop        optional stop command; when empty the process tree gets SIGTERM, then
 *                    SIGKILL after {@code stopTimeoutMs}
 * @param workDir     working directory, or null for the daemon's own
 * @param checkers    probes that define "ready" at start and "available" afterwards
 * @param warmStandby the process supports a warm standby (issue 13): while the node is SECOND it
 *                    runs with {@value #STANDBY_ENV}=1 and waits; a start writes
 *                    {@value #ACTIVATE_LINE} on its stdin instead of spawning it
 */
public record ResourceSpec(String name, String description, List<String> start, List<String> stop,
                           List<String> dependsOn, Map<String, String> env, Path workDir,
                           long startTimeoutMs, long stopTimeoutMs, List<CheckerSpec> checkers,
                           boolean warmStandby) {

    /** Set (to 1) in a warm standby's environment. */
    public static final String STANDBY_ENV = "VIGIL_STANDBY";
    /** Written on a warm standby's stdin to make it serve. */
    public static final String ACTIVATE_LINE = "activate";

    public static final long DEFAULT_START_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_STOP_TIMEOUT_MS = 10_000;
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

    public ResourceSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("resource name '" + name + "' must match [a-z0-9-]+");
        }
        description = description == null || description.isBlank() ? name : description;
        if (start == null || start.isEmpty()) {
            throw new IllegalArgumentException("resource '" + name + "': start command is required");
        }
        start = List.copyOf(start);
        stop = stop == null ? List.of() : List.copyOf(stop);
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        env = env == null ? Map.of() : Map.copyOf(env);
        checkers = checkers == null ? List.of() : List.copyOf(checkers);
        if (startTimeoutMs <= 0 || stopTimeoutMs <= 0) {
            throw new IllegalArgumentException("resource '" + name + "': startTimeoutMs and stopTimeoutMs must be > 0");
        }
    }

    /** Without a warm standby. */
    public ResourceSpec(String name, String description, List<String> start, List<String> stop,
                        List<String> dependsOn, Map<String, String> env, Path workDir,
                        long startTimeoutMs, long stopTimeoutMs, List<CheckerSpec> checkers) {
        this(name, description, start, stop, dependsOn, env, workDir, startTimeoutMs, stopTimeoutMs, checkers, false);
    }

    /** A resource with default timeouts and no stop command, dependencies, env or checkers. */
    public static ResourceSpec of(String name, String description, List<String> start) {
        return new ResourceSpec(name, description, start, List.of(), List.of(), Map.of(), null,
                DEFAULT_START_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS, List.of());
    }

    public ResourceSpec withStop(List<String> command) {
        return new ResourceSpec(name, description, start, command, dependsOn, env, workDir,
                startTimeoutMs, stopTimeoutMs, checkers, warmStandby);
    }

    public ResourceSpec withDependsOn(String... names) {
        return new ResourceSpec(name, description, start, stop, List.of(names), env, workDir,
                startTimeoutMs, stopTimeoutMs, checkers, warmStandby);
    }

    public ResourceSpec withEnv(Map<String, String> environment, Path dir) {
        return new ResourceSpec(name, description, start, stop, dependsOn, environment, dir,
                startTimeoutMs, stopTimeoutMs, checkers, warmStandby);
    }

    public ResourceSpec withTimeouts(long startTimeout, long stopTimeout) {
        return new ResourceSpec(name, description, start, stop, dependsOn, env, workDir,
                startTimeout, stopTimeout, checkers, warmStandby);
    }

    public ResourceSpec withCheckers(CheckerSpec... specs) {
        return new ResourceSpec(name, description, start, stop, dependsOn, env, workDir,
                startTimeoutMs, stopTimeoutMs, List.of(specs), warmStandby);
    }

    public ResourceSpec withWarmStandby(boolean warm) {
        return new ResourceSpec(name, description, start, stop, dependsOn, env, workDir,
                startTimeoutMs, stopTimeoutMs, checkers, warm);
    }

    /** Just the name: env may hold passwords, and specs end up in logs. */
    @Override
    public String toString() {
        return "ResourceSpec[" + name + "]";
    }
}
