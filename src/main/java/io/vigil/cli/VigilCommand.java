package io.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `vigil`: every operator command of a node and of the cluster (issue 2, SPEC §2). */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Vigil two-node failover cluster: run a node, and control a running one.",
        subcommands = {
            NodeCommand.class, StatusCommand.class, LogsCommand.class, EstimateCommand.class, SnapshotCommand.class,
            DumpCommand.class,
            Actions.Start.class, Actions.Stop.class, Actions.Restart.class, Actions.Swap.class,
            PrimCommand.class, Actions.Boot.class, Actions.Failover.class, Actions.Checkers.class,
            ConfigCommand.class, FenceCommand.class, KeyCommand.class, LicenseCommand.class, SetupCommand.class, CertCommand.class, DemoCommand.class, WitnessCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok: the status was read, or every node accepted the command",
            "  1  a node refused the command (its reason is printed), or a prompt was declined",
            "  2  usage or configuration error",
            "  3  a node is unreachable, or did not speak the admin protocol",
            "  4  authentication failed: the node uses a different cluster key",
            "",
            "The configuration file is --config FILE, else $VIGIL_CONFIG, else /etc/vigil/vigil.yaml.",
            "Run 'vigil COMMAND --help' for the options of each command."
        })
public final class VigilCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Terminal terminal;

    public VigilCommand() {
        this(Terminal.system());
    }

    VigilCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    Terminal terminal() {
        return terminal;
    }

    /** Without a subcommand there is nothing to do: show the usage and fail as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }
}
