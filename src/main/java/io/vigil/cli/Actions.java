package io.vigil.cli;

import io.vigil.api.CommandResult;
import io.vigil.config.VigilConfig;
import io.vigil.core.Action;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator commands (SPEC §2): {@link CommandAction}, how each one is checked against the
 * vocabulary ({@link Action}), sent to the selected nodes and reported; then the plain commands,
 * one class each, so each has its own --help ({@code prim --force}, which asks first, is
 * {@link PrimCommand}).
 */
final class Actions {

    private Actions() {
    }

    /** An operator command sent to the selected nodes, with its results reported per node. */
    abstract static class CommandAction extends NodeClientCommand {

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
                Action.parse(word(), arg());
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
            List<Outcome> outcomes = ask(targets, COMMAND_TIMEOUT_MS, (client, t) -> client.command(word(), arg(), who));
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

    static final class BootWords extends java.util.ArrayList<String> {
        BootWords() {
            super(Action.argsOf("boot"));
        }
    }

    static final class OnOffWords extends java.util.ArrayList<String> {
        OnOffWords() {
            super(Action.argsOf("failover"));
        }
    }

    static final class CheckersWords extends java.util.ArrayList<String> {
        CheckersWords() {
            super(Action.argsOf("checkers"));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the node: it joins the cluster (SECOND once in sync, or PRIM/ALONE if it runs the "
                    + "services). With --cluster, start both nodes.")
    static final class Start extends CommandAction {
        @Override
        String word() {
            return Action.START.word();
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the node: it stops its services and goes to STOP (no redundancy from it). "
                    + "With --cluster, stop both nodes: the services stop everywhere.")
    static final class Stop extends CommandAction {
        @Override
        String word() {
            return Action.STOP.word();
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Stop then start the node. With --cluster, restart both nodes.")
    static final class Restart extends CommandAction {
        @Override
        String word() {
            return Action.RESTART.word();
        }
    }

    @Command(name = "swap", mixinStandardHelpOptions = true,
            description = {"Exchange roles: stop the services on PRIM, make sure the replica is up to date, then "
                    + "run the services on the other node. Refused while the peer is down.",
                "Swap involves both nodes already: send it once (to either node), not with --cluster."})
    static final class Swap extends CommandAction {
        @Option(names = "--without-sync", description = "Expert: skip the up-to-date check; changes not yet "
                + "replicated are lost.")
        boolean withoutSync;

        @Override
        String word() {
            return (withoutSync ? Action.SWAP_WITHOUT_SYNC : Action.SWAP).word();
        }

        @Override
        void checkOptions() throws CliException {
            if (options.cluster) {
                throw new CliException(ExitCode.USAGE, "swap already involves both nodes: run it without --cluster.");
            }
        }
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
            description = "Set what the node does when its daemon starts: keep (default: its state before the "
                    + "restart), enabled (start and join as SECOND), disabled (come up STOP).")
    static final class Boot extends CommandAction {
        @Parameters(paramLabel = "keep|enabled|disabled", completionCandidates = BootWords.class,
                description = "The boot behaviour.")
        String mode;

        @Override
        String word() {
            return Action.BOOT_KEEP.word();
        }

        @Override
        String arg() {
            return mode;
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Turn automatic failover on or off. Off: nothing moves automatically, whatever fails.")
    static final class Failover extends CommandAction {
        @Parameters(paramLabel = "on|off", completionCandidates = OnOffWords.class, description = "on or off.")
        String value;

        @Override
        String word() {
            return Action.FAILOVER_ON.word();
        }

        @Override
        String arg() {
            return value;
        }
    }

    @Command(name = "checkers", mixinStandardHelpOptions = true,
            description = {"Suspend or resume error detection, or start or stop all checkers.",
                "  suspend  keep probing but do not react to resource failures",
                "  resume   react to resource failures again",
                "  start    start all checkers",
                "  stop     stop all checkers"})
    static final class Checkers extends CommandAction {
        @Parameters(paramLabel = "suspend|resume|start|stop", completionCandidates = CheckersWords.class,
                description = "What to do.")
        String action;

        @Override
        String word() {
            return Action.CHECKERS_START.word();
        }

        @Override
        String arg() {
            return action;
        }
    }
}
