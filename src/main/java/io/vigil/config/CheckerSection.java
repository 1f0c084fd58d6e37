package io.vigil.config;

import java.util.List;

/**
 * One health probe of a resource. Which fields matter depends on {@link #type()}; the others
 * keep their defaults.
 *
 * @param host        tcp/http target host (default 127.0.0.1)
 * @param port        tcp port, 0 when not a tcp checker
 * @param url         http URL, null when not an http checker
 * @param expectStatus http status meaning healthy (default 200)
 * @param command     argv of a command checker (exit 0 = healthy), empty otherwise
 * @param fall        consecutive failures before the resource is unavailable (default 3)
 * @param rise        consecutive successes before it is available again (default 2)
 * @param graceMs     warm-up after start during which failures are not counted (default 5000)
 */
public record CheckerSection(Type type, String host, int port, String url, int expectStatus,
                             List<String> command, long intervalMs, long timeoutMs, int fall, int rise,
                             long graceMs) {

    public CheckerSection {
        command = List.copyOf(command);
    }

    /** Probe kinds. */
    public enum Type {
        /** The started process is still alive. */
        PROCESS,
        /** A TCP connection to host:port succeeds. */
        TCP,
        /** An HTTP GET of url returns expectStatus. */
        HTTP,
        /** A command exits with status 0. */
        COMMAND
    }
}
