package io.vigil.api;

import java.util.List;

/**
 * Lines of one of the node's logs, oldest first.
 *
 * @param log      module, application or commands
 * @param verbose  module log only: all levels (true) or errors only (false, the short view)
 * @param lines    the lines, newest last
 */
public record LogPage(String log, boolean verbose, List<String> lines) {
    /** The logs a node keeps (SPEC §2 "Logs"). */
    public static final List<String> LOGS = List.of("module", "application", "commands");
}
