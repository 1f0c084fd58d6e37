package io.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One protected service, as written in the file. Kept as plain data: the process runner maps
 * it to its own types.
 *
 * @param name           [a-z0-9-]+, unique
 * @param description    free text, may be empty
 * @param start          argv; a single string in the file becomes {@code ["sh","-c",string]}
 * @param stop           argv, empty when the runner should signal the process instead
 * @param dependsOn      names of resources started before this one
 * @param env            extra environment variables
 * @param workDir        absolute, or null for the runner's default
 * @param restart        per-resource local-restart policy, or null for the default
 * @param warmStandby    {@code warmStandby: true}: the SECOND keeps the process started and waiting
 *                       (issue 13; the protocol is in {@link io.vigil.resource.ResourceSpec})
 */
public record ResourceSection(String name, String description, List<String> start, List<String> stop,
                              List<String> dependsOn, Map<String, String> env, Path workDir,
                              long startTimeoutMs, long stopTimeoutMs, RestartSection restart,
                              List<CheckerSection> checkers, boolean warmStandby) {

    public ResourceSection {
        start = List.copyOf(start);
        stop = List.copyOf(stop);
        dependsOn = List.copyOf(dependsOn);
        env = Map.copyOf(env);
        checkers = List.copyOf(checkers);
    }

    /** Without a warm standby. */
    public ResourceSection(String name, String description, List<String> start, List<String> stop,
                           List<String> dependsOn, Map<String, String> env, Path workDir,
                           long startTimeoutMs, long stopTimeoutMs, RestartSection restart,
                           List<CheckerSection> checkers) {
        this(name, description, start, stop, dependsOn, env, workDir, startTimeoutMs, stopTimeoutMs, restart,
                checkers, false);
    }
}
