package io.vigil.cli;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `vigil config check|show`: validate or display a node configuration without a running node. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check or show a node configuration file.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class, HashPasswordCommand.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: check, show or hash-password");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load and validate FILE (including the cluster key); print a summary, or the first problem "
                    + "with the key that causes it. Exit 0 if valid, 2 if not.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The configuration file to check.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                VigilConfig c = ConfigFiles.load(file);
                c.clusterKey();
                c.checkKeyIsPrivate();
                out.println("OK: " + summary(c));
                for (String w : c.warnings()) {
                    out.println("warning: " + w);
                }
                // A warning, not an error: the node may run under another user or with systemd's
                // AmbientCapabilities, which this checking process does not have.
                io.vigil.daemon.Privileges.problems(c).forEach(p ->
                        out.println("warning: a node started like this command would refuse to start: " + p));
                return ExitCode.OK;
            } catch (CliException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return e.exitCode();
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return ExitCode.USAGE;
            }
        }

        private static String summary(VigilConfig c) {
            return c.sourceFile() + ": cluster '" + c.cluster().name() + "', node " + c.node().id()
                    + " (" + c.node().hostName() + "), peer " + c.peer().hostName() + " with admin at "
                    + c.peer().adminAddress() + ":" + c.peer().adminPort() + ", admin channel "
                    + c.admin().bindAddress() + ":" + c.admin().port() + ", " + c.heartbeat().networks().size()
                    + " heartbeat network(s), " + c.resources().size() + " resource(s), "
                    + (c.witness() == null ? "no witness" : c.witness().describe());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the node configuration as Vigil reads it, defaults filled in, with the key and an"
                    + " inline password redacted (YAML, or JSON with --json).")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Machine-readable output: the same tree as JSON.")
        boolean json;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT,
                description = ConfigFiles.HELP)
        Path config;

        @Override
        public Integer call() {
            try {
                String yaml = ConfigFiles.load(config).toYaml();
                // One redacted tree, two notations: JSON is the YAML read back, so it cannot show more.
                spec.commandLine().getOut().print(json ? NodeClientCommand.JSON.writeValueAsString(
                        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml)) + "\n" : yaml);
                spec.commandLine().getOut().flush();
                return ExitCode.OK;
            } catch (CliException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return e.exitCode();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("the configuration's own YAML does not read back", e);
            }
        }
    }
}
