package io.vigil.cli;

import io.vigil.config.VigilConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `vigil fence`: gives up this node's virtual IP after the node has ended. systemd runs it as the
 * node unit's {@code ExecStopPost}: when the whole control group is killed at once (a watchdog
 * timeout, {@code systemctl kill -s KILL}), the fencing watchdog dies with the daemon and nothing
 * else would remove the address, while the peer takes it over. Idempotent.
 */
@Command(name = "fence", mixinStandardHelpOptions = true,
        description = {"Remove this node's virtual IP from its interface (run by systemd after the node stopped,"
                + " whatever way it ended). Does nothing when the address is not held or no VIP is configured.",
                "Do not run it by hand on a node that is running: the node would lose its clients' address."})
final class FenceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
    Path config;

    @Override
    public Integer call() {
        try {
            VigilConfig c = ConfigFiles.load(config);
            if (c.vip() == null) {
                spec.commandLine().getOut().println("no virtual IP configured: nothing to fence");
                return ExitCode.OK;
            }
            io.vigil.vip.VirtualIp.of(c.vip().address(), c.vip().iface(), spec.commandLine().getOut()::println).down();
            return ExitCode.OK;
        } catch (CliException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return e.exitCode();
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot remove the virtual IP: " + e.getMessage()
                    + " (remove it by hand: ip -4 addr del ADDRESS/PREFIX dev IFACE)");
            return ExitCode.USAGE;
        }
    }
}
