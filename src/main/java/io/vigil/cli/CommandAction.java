package io.vigil.cli;

import io.vigil.admin.AdminException;
import io.vigil.admin.CommandWords;
import io.vigil.config.VigilConfig;
import io.vigil.api.CommandResult;

import java.util.ArrayList;
import java.util.List;

/** An operator command sent to the selected nodes, with its results reported per node. */
abstract class CommandAction extends NodeClientCommand {

    /** The admin channel's command word. */
    abstract String word();

    /** Its argument, or null. */
    String arg() {
        return null;
    }

    /** Refuse option combinations that make no sense for this command (exit 2). */
    void checkOptions() throws CliException {
    }

    @Override
    int execute() throws CliException {
        try {
            CommandWords.parse(word(), arg());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        checkOptions();
        VigilConfig config = config();
        List<Target> targets = targets(config);
        confirm(targets);
        return send(config, targets);
    }

    /** Dangerous commands ask first; the default asks nothing. */
    void confirm(List<Target> targets) throws CliException {
    }

    int send(VigilConfig config, List<Target> targets) throws CliException {
        String who = who();
        List<Outcome> outcomes = new ArrayList<>();
        // One node after the other, in node order, so the nodes see cluster actions in a stable order.
        for (Target t : targets) {
            try {
                outcomes.add(new Outcome(t, client(t, COMMAND_TIMEOUT_MS).command(word(), arg(), who), null));
            } catch (AdminException e) {
                outcomes.add(new Outcome(t, null, e));
            }
        }
        report(outcomes);
        return worst(outcomes);
    }

    private void report(List<Outcome> outcomes) {
        if (options.json) {
            printJson(options.cluster ? outcomes.stream().map(Outcome::json).toList() : outcomes.get(0).json());
            for (Outcome o : outcomes) {
                if (o.error() != null) {
                    err().println(o.error().getMessage());
                }
            }
            return;
        }
        String what = arg() == null ? word() : word() + " " + arg();
        for (Outcome o : outcomes) {
            String node = "node " + o.target().nodeId();
            if (o.error() != null) {
                err().println(node + ": " + o.error().getMessage());
            } else {
                CommandResult r = (CommandResult) o.value();
                if (r.accepted()) {
                    out().println(node + ": accepted " + what + (blank(r.message()) ? "" : ": " + r.message()));
                } else {
                    err().println(node + ": refused " + what + ": " + r.message());
                }
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
