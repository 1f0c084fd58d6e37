package io.vigil.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `prim --force`: the expert force start (SPEC §2), guarded by a confirmation. */
@Command(name = "prim", mixinStandardHelpOptions = true,
        description = {"Expert: force this node (or --node N) to run the services although its data may not be up "
                + "to date. Use only when the other node is gone for good: changes made there and not replicated "
                + "here are lost.",
            "Asks to type YES unless --yes is given; without a terminal, --yes is required."})
final class PrimCommand extends Actions.CommandAction {

    @Option(names = "--force", description = "Required: say that this is the force start.")
    boolean force;

    @Option(names = "--yes", description = "Confirm without a prompt (for scripts).")
    boolean yes;

    @Override
    String word() {
        return io.vigil.core.Action.FORCE_START.word();
    }

    @Override
    void checkOptions() throws CliException {
        if (!force) {
            throw new CliException(ExitCode.USAGE, "prim needs --force: it makes a node run the services although "
                    + "its data may be stale. See 'vigil prim --help'.");
        }
        if (options.cluster) {
            throw new CliException(ExitCode.USAGE, "prim --force acts on one node; choose it with --node 1|2, "
                    + "not --cluster.");
        }
    }

    @Override
    void confirm(List<Target> targets) throws CliException {
        if (yes) {
            return;
        }
        int node = targets.get(0).nodeId();
        if (!terminal().interactive()) {
            throw new CliException(ExitCode.USAGE, "prim --force needs confirmation and there is no terminal to ask "
                    + "on: re-run with --yes if node " + node + " must run the services and losing the changes not "
                    + "replicated to it is accepted.");
        }
        out().println("Force start makes node " + node + " run the services with the data it has now.");
        out().println("Changes made on the other node that were not replicated to node " + node + " will be LOST.");
        out().println("Do this only if the other node is gone for good.");
        out().print("Type YES to force-start node " + node + ": ");
        out().flush();
        String answer;
        try {
            answer = terminal().in().readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.strip().equals("YES")) {
            throw new CliException(ExitCode.REFUSED, "Cancelled: nothing was sent to node " + node + ".");
        }
    }
}
