package io.vigil.cli;

import io.vigil.api.LogPage;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `vigil logs`: a node's module, application or commands log. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Show a node's module log (errors only, or every level with --verbose), application log"
                + " (output of the protected services and their start/stop) or commands log (who ran what).")
final class LogsCommand extends NodeClientCommand {

    @Parameters(index = "0", defaultValue = "module", paramLabel = "LOG",
            description = "module, application or commands (default: ${DEFAULT-VALUE})")
    String log;

    @Option(names = "--verbose", description = "Module log: every level (E, I, D), not only errors.")
    boolean verbose;

    @Option(names = {"-n", "--lines"}, defaultValue = "50", description = "How many of the newest lines (default: ${DEFAULT-VALUE}).")
    int lines;

    @Override
    int execute() throws CliException {
        if (!LogPage.LOGS.contains(log)) {
            throw new CliException(ExitCode.USAGE, "unknown log '" + log + "': use one of " + LogPage.LOGS);
        }
        List<Outcome> outcomes = askTargets(config(), STATUS_TIMEOUT_MS, (client, t) -> client.logs(log, verbose, 0, lines));
        return report(outcomes, o -> {
            if (options.cluster) {
                out().println("== node " + o.target().nodeId() + " " + log + " log ==");
            }
            ((LogPage) o.value()).lines().forEach(out()::println);
        });
    }
}
