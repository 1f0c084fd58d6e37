package io.vigil.admin;

import io.vigil.core.BootMode;
import io.vigil.core.Command;

import java.util.List;
import java.util.Locale;

/**
 * The words the admin channel accepts for operator commands (SPEC §2, §5) and their
 * {@link Command}. The CLI, the console and the server all go through here, so a word means the
 * same thing everywhere.
 */
public final class CommandWords {

    /** Every command word, in the order the help lists them. */
    public static final List<String> WORDS = List.of("start", "stop", "restart", "swap", "swap-without-sync",
            "force-start", "boot", "failover", "checkers");

    private static final List<String> BOOT_ARGS = List.of("keep", "enabled", "disabled");
    private static final List<String> FAILOVER_ARGS = List.of("on", "off");
    private static final List<String> CHECKERS_ARGS = List.of("suspend", "resume", "start", "stop");

    private CommandWords() {
    }

    /**
     * Maps a word and its argument to a command.
     *
     * @param arg null or empty for the commands that take none
     * @throws IllegalArgumentException naming the bad word or argument and the accepted ones
     */
    public static Command parse(String command, String arg) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("missing \"command\"; expected one of " + WORDS);
        }
        String a = arg == null ? "" : arg.trim().toLowerCase(Locale.ROOT);
        switch (command) {
            case "start":
                return noArg(command, a, new Command.Start());
            case "stop":
                return noArg(command, a, new Command.Stop());
            case "restart":
                return noArg(command, a, new Command.Restart());
            case "swap":
                return noArg(command, a, new Command.Swap(false));
            case "swap-without-sync":
                return noArg(command, a, new Command.Swap(true));
            case "force-start":
                return noArg(command, a, new Command.ForceStart());
            case "boot":
                return new Command.SetBoot(BootMode.valueOf(oneOf(command, a, BOOT_ARGS).toUpperCase(Locale.ROOT)));
            case "failover":
                return new Command.SetFailover(oneOf(command, a, FAILOVER_ARGS).equals("on"));
            case "checkers":
                return checkers(oneOf(command, a, CHECKERS_ARGS));
            default:
                throw new IllegalArgumentException("unknown command \"" + printable(command) + "\"; expected one of "
                        + WORDS);
        }
    }

    private static Command checkers(String a) {
        switch (a) {
            case "suspend":
                return new Command.SuspendErrorDetection(true);
            case "resume":
                return new Command.SuspendErrorDetection(false);
            case "start":
                return new Command.Checkers(true);
            default:
                return new Command.Checkers(false);
        }
    }

    private static Command noArg(String command, String arg, Command c) {
        if (!arg.isEmpty()) {
            throw new IllegalArgumentException("command \"" + command + "\" takes no argument, got \""
                    + printable(arg) + "\"");
        }
        return c;
    }

    private static String oneOf(String command, String arg, List<String> allowed) {
        if (arg.isEmpty()) {
            throw new IllegalArgumentException("command \"" + command + "\" needs an argument: one of " + allowed);
        }
        if (!allowed.contains(arg)) {
            throw new IllegalArgumentException("command \"" + command + "\" does not accept \"" + printable(arg)
                    + "\"; expected one of " + allowed);
        }
        return arg;
    }

    /** Error messages quote client input; keep them short and free of control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
