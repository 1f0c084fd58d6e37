package io.vigil.cli;

import io.vigil.daemon.NodeMain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `vigil node`: run this machine's node daemon in the foreground until stopped. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run the node daemon with the given configuration, in the foreground, until SIGTERM/Ctrl-C.")
final class NodeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
    Path config;

    @Override
    public Integer call() {
        if (!Files.exists(config)) {
            spec.commandLine().getErr().println("Configuration file " + config + " not found. Pass --config FILE "
                    + "or set VIGIL_CONFIG to the node's configuration file.");
            return ExitCode.USAGE;
        }
        try {
            return NodeMain.run(config);
        } catch (Exception e) {
            spec.commandLine().getErr().println("vigil node stopped: " + e.getMessage());
            return 1;
        }
    }
}
