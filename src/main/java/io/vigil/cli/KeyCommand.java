package io.vigil.cli;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;
import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `vigil key witness`: the keys derived from the cluster key that belong on another host. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = "Print a key derived from the cluster key, for a host that must not hold the cluster key.",
        subcommands = {KeyCommand.Witness.class})
final class KeyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: witness");
    }

    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = {"Print this cluster's witness key (hex), the only secret the witness host needs: put it as"
                    + " the cluster's key in the witness configuration (clusters: - name, key). It signs lease"
                    + " messages and nothing else: it cannot sign heartbeats, admin requests or directory"
                    + " replication. A witness set up before the keys were split holds the cluster key itself:"
                    + " replace it with this one."})
    static final class Witness implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT,
                description = ConfigFiles.HELP)
        Path config;

        @Option(names = "--out", paramLabel = "FILE",
                description = "Write the key into FILE (created mode 0600, replacing it) instead of printing it;"
                        + " the witness configuration can name it as keyFile.")
        Path out;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                VigilConfig c = ConfigFiles.load(config);
                String name = c.cluster().name();
                String hex = HexFormat.of().formatHex(c.keys().witness(name));
                if (out == null) {
                    stdout.println(hex);
                    return ExitCode.OK;
                }
                PrivateFiles.writeString(out, hex + "\n");
                stdout.println("Wrote the witness key of cluster '" + name + "' to " + out + " (mode 0600). Copy it to"
                        + " the witness host and list it there as: clusters: [{name: " + name + ", keyFile: <its path>}]");
                return ExitCode.OK;
            } catch (CliException e) {
                err.println(e.getMessage());
                return e.exitCode();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return ExitCode.USAGE;
            } catch (IOException e) {
                err.println("cannot write " + out + ": " + e.getMessage() + ". Pick a writable path for --out");
                return ExitCode.USAGE;
            }
        }
    }
}
