package io.vigil.cli;

import io.vigil.api.DaemonStatus;

import java.util.List;
import picocli.CommandLine.Command;

/** `vigil status`: the node's (or both nodes') state, sync, services, resources and warnings. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a node's state, sync status, peer, services, resources and warnings. "
                + "With --cluster, both nodes; exits 3 if one cannot be reached.")
final class StatusCommand extends NodeClientCommand {

    @Override
    int execute() throws CliException {
        List<Outcome> outcomes = askTargets(config(), STATUS_TIMEOUT_MS, (client, t) -> client.status());
        StatusView view = new StatusView(terminal().ansi());
        boolean[] first = {true};
        return report(outcomes, o -> {
            if (!first[0]) {
                out().println();
            }
            out().print(view.render((DaemonStatus) o.value()));
            first[0] = false;
        });
    }
}
