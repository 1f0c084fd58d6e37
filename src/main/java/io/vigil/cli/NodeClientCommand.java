package io.vigil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.config.VigilConfig;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** Base of the commands that talk to running nodes: option handling, targets, errors and exit codes. */
abstract class NodeClientCommand implements Callable<Integer> {

    /** Commands wait up to 15 s inside the node; leave room for the answer to travel. */
    static final int COMMAND_TIMEOUT_MS = 20_000;
    static final int STATUS_TIMEOUT_MS = 5_000;

    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    NodeOptions options = new NodeOptions();

    /** What one node answered, or why it did not. */
    record Outcome(Target target, Object value, AdminException error) {

        int exitCode() {
            if (error != null) {
                return ExitCode.of(error);
            }
            if (value instanceof io.vigil.api.CommandResult r && !r.accepted()) {
                return ExitCode.REFUSED;
            }
            return ExitCode.OK;
        }

        /** For --json: the node's answer, or an object describing the failure. */
        Object json() {
            if (error == null) {
                return value;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodeId", target.nodeId());
            m.put("address", target.address());
            m.put("error", error.getMessage());
            m.put("kind", error.kind().name());
            return m;
        }
    }

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (CliException e) {
            err().println(e.getMessage());
            return e.exitCode();
        }
    }

    abstract int execute() throws CliException;

    VigilConfig config() throws CliException {
        return ConfigFiles.load(options.config);
    }

    List<Target> targets(VigilConfig config) throws CliException {
        return Target.select(config, options);
    }

    /**
     * The local node's socket, relaying to the peer for a peer target. A relayed request may wait
     * for the local node's own client to the peer (connect 5 s, commands 20 s), so it gets longer.
     */
    AdminClient client(Target t, int timeoutMs) {
        if (!t.relayed()) {
            return AdminClient.local(t.socket(), timeoutMs);
        }
        return AdminClient.local(t.socket(), Math.max(timeoutMs, COMMAND_TIMEOUT_MS) + RELAY_SLACK_MS).toPeer();
    }

    private static final int RELAY_SLACK_MS = 5_000;

    Terminal terminal() {
        return ((VigilCommand) spec.root().userObject()).terminal();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** What to ask one node over its admin channel. */
    @FunctionalInterface
    interface Ask {
        Object ask(AdminClient client, Target target) throws AdminException;
    }

    /** Asks each selected node (--node / --cluster), keeping each answer or failure. */
    List<Outcome> askTargets(VigilConfig config, int timeoutMs, Ask ask) throws CliException {
        return ask(targets(config), timeoutMs, ask);
    }

    /**
     * Asks each target in turn, keeping each answer or failure: one node after the other, in node
     * order, so the nodes see cluster actions in a stable order.
     */
    List<Outcome> ask(List<Target> targets, int timeoutMs, Ask ask) {
        List<Outcome> outcomes = new java.util.ArrayList<>();
        for (Target t : targets) {
            try {
                outcomes.add(new Outcome(t, ask.ask(client(t, timeoutMs), t), null));
            } catch (AdminException e) {
                outcomes.add(new Outcome(t, null, e));
            }
        }
        return outcomes;
    }

    /**
     * Prints the answers (JSON with --json, else {@code text} per node; failures on stderr) and
     * returns the worst exit code.
     */
    int report(List<Outcome> outcomes, java.util.function.Consumer<Outcome> text) {
        if (options.json) {
            printJson(options.cluster ? outcomes.stream().map(Outcome::json).toList() : outcomes.get(0).json());
        }
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                err().println("node " + o.target().nodeId() + ": " + o.error().getMessage());
            } else if (!options.json) {
                text.accept(o);
            }
        }
        out().flush();
        return worst(outcomes);
    }

    /** The worst exit code among the outcomes: the cluster command fails if any node failed. */
    static int worst(List<Outcome> outcomes) {
        int code = ExitCode.OK;
        for (Outcome o : outcomes) {
            code = Math.max(code, o.exitCode());
        }
        return code;
    }

    void printJson(Object value) {
        try {
            out().println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** For the node's commands log: who asked, from where, through what. */
    static String who() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name") + "@" + host + " (cli)";
    }
}
