package io.vigil.cli;

import io.vigil.setup.Check;
import io.vigil.setup.Prerequisites;
import io.vigil.setup.SetupPlan;
import io.vigil.setup.SystemNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `vigil setup ...` (SPEC §6): the prerequisite checks and the three steps (see {@link SetupSteps}). */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Set up a two-node cluster in three steps: `vigil setup secondary` on node 2, `vigil setup"
                + " primary` on node 1, `vigil setup finish` on node 2. `vigil setup check` runs the prerequisite"
                + " checks alone; `vigil setup password` changes the console password; `vigil setup remove` returns a"
                + " node to standalone; `vigil config show` shows the configuration."},
        subcommands = {SetupCommand.CheckPrerequisites.class, SetupSteps.Secondary.class, SetupSteps.Primary.class,
            SetupSteps.Finish.class, SetupSteps.Password.class, SetupSteps.Remove.class})
final class SetupCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: secondary, primary,"
                + " finish, remove or check");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check this machine and its network for a cluster with PEER: name resolution both ways,"
                    + " IPv4, one subnet for both nodes and the virtual IP, the virtual IP unused, the ports free,"
                    + " PostgreSQL 15 installed. Changes nothing. Exit 0 when all pass, 1 otherwise.")
    static final class CheckPrerequisites implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--peer", required = true, paramLabel = "HOST",
                description = "The other node: FQDN, host name or IPv4 address.")
        String peer;
        @Option(names = "--local", paramLabel = "HOST", description = "This node's host name (default: the machine's).")
        String local;
        @Option(names = "--node-id", defaultValue = "1", description = "1 or 2: which ports this node will use.")
        int nodeId;
        @Option(names = "--vip", paramLabel = "A.B.C.D/N", description = "The virtual IP with its prefix, if any.")
        String vip;
        @Option(names = "--database", defaultValue = "internal", description = "internal (Vigil runs PostgreSQL) or"
                + " external.")
        String database;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (nodeId != 1 && nodeId != 2 || !List.of("internal", "external").contains(database)) {
                spec.commandLine().getErr().println("--node-id must be 1 or 2 and --database internal or external");
                return ExitCode.USAGE;
            }
            boolean internal = database.equals("internal");
            String me = local != null ? local : InetAddress.getLocalHost().getHostName();
            List<Check> checks = new Prerequisites(new SystemNetwork(), Path.of("/usr/lib/postgresql/15/bin"),
                    Path.of("/etc/passwd")).run(new SetupPlan(me, peer, vip, internal,
                    SetupPlan.defaultPorts(nodeId, internal)));
            if (json) {
                out.println(NodeClientCommand.JSON.writeValueAsString(checks));
            } else {
                for (Check c : checks) {
                    out.println((c.ok() ? "ok    " : "FAIL  ") + c.name() + ": " + c.message());
                }
                long failed = checks.stream().filter(c -> !c.ok()).count();
                out.println(failed == 0 ? "all " + checks.size() + " checks passed"
                        : failed + " of " + checks.size() + " checks failed: fix them, then run this again");
            }
            return checks.stream().allMatch(Check::ok) ? ExitCode.OK : ExitCode.REFUSED;
        }
    }
}
