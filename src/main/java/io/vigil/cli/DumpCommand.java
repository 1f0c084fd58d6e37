package io.vigil.cli;

import io.vigil.api.DumpInfo;

import java.util.List;
import picocli.CommandLine.Command;

/** `vigil dump create|list`: the Support dump (SPEC §2), from the command line. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Support dumps: a folder dump_<date>_<hour> on the node with its thread dump, processes, status,"
                + " logs, configuration (secrets redacted) and state file. A node keeps its last 3 dumps (and makes"
                + " one by itself at each failover and fatal error); `vigil snapshot` zips them.",
        subcommands = {DumpCommand.Create.class, DumpCommand.ListDumps.class})
final class DumpCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to do: vigil dump create,"
                + " or vigil dump list");
    }

    /** Writing a dump reads 20,000 log lines and every thread's stack: slower than a status on a loaded node. */
    static final int DUMP_TIMEOUT_MS = NodeClientCommand.COMMAND_TIMEOUT_MS;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a dump now on the node (or each node with --cluster); the oldest beyond 3 is deleted.")
    static final class Create extends NodeClientCommand {
        @Override
        int execute() throws CliException {
            List<Outcome> outcomes = askTargets(config(), DUMP_TIMEOUT_MS, (client, t) -> client.dump(who()));
            return report(outcomes, o -> {
                DumpInfo d = (DumpInfo) o.value();
                out().println("node " + o.target().nodeId() + ": dump written to " + d.path() + " ("
                        + EstimateCommand.bytes(d.bytes()) + ")");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the dumps the node keeps, oldest first.")
    static final class ListDumps extends NodeClientCommand {
        @Override
        int execute() throws CliException {
            List<Outcome> outcomes = askTargets(config(), STATUS_TIMEOUT_MS, (client, t) -> client.dumps());
            return report(outcomes, o -> {
                @SuppressWarnings("unchecked")
                List<DumpInfo> dumps = (List<DumpInfo>) o.value();
                out().println("node " + o.target().nodeId() + ": " + (dumps.isEmpty() ? "no dumps"
                        : dumps.size() + (dumps.size() == 1 ? " dump" : " dumps")));
                for (DumpInfo d : dumps) {
                    out().println("  " + d.name() + "  " + d.createdAt() + "  " + EstimateCommand.bytes(d.bytes())
                            + "  " + d.reason() + "  " + d.path());
                }
            });
        }
    }
}
