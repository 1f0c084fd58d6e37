package io.vigil.resource;

/**
 * A snapshot of one resource for the console and the CLI.
 *
 * @param pid      pid of the resource's process, or -1 when it has none
 * @param restarts times {@link ResourceManager#restart} restarted it
 * @param detail   the last checker result or life-cycle event, for the operator
 */
public record ResourceStatus(String name, String description, Phase phase, long pid, int restarts,
                             String detail) {
}
