package io.vigil.cli;

import io.vigil.admin.AdminException;
import io.vigil.config.VigilConfig;
import io.vigil.daemon.DaemonStatus;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** `vigil status`: the node's (or both nodes') state, sync, services, resources and warnings. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a node's state, sync status, peer, services, resources and warnings. "
                + "With --cluster, both nodes; exits 3 if one cannot be reached.")
final class StatusCommand extends NodeClientCommand {

    @Override
    int execute() throws CliException {
        VigilConfig config = config();
        byte[] key = ConfigFiles.key(config);
        List<Outcome> outcomes = new ArrayList<>();
        for (Target t : targets(config)) {
            try {
                outcomes.add(new Outcome(t, client(t, key, STATUS_TIMEOUT_MS).status(), null));
            } catch (AdminException e) {
                outcomes.add(new Outcome(t, null, e));
            }
        }
        if (options.json) {
            printJson(options.cluster ? outcomes.stream().map(Outcome::json).toList() : outcomes.get(0).json());
        }
        StatusView view = new StatusView(terminal().ansi());
        boolean first = true;
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                err().println("node " + o.target().nodeId() + ": " + o.error().getMessage());
            } else if (!options.json) {
                if (!first) {
                    out().println();
                }
                out().print(view.render((DaemonStatus) o.value()));
                first = false;
            }
        }
        out().flush();
        return worst(outcomes);
    }
}
