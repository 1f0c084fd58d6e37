package io.vigil.cli;

import io.vigil.core.Action;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The plain operator commands (SPEC §2): one class each, so each has its own --help. */
final class Actions {

    private Actions() {
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
