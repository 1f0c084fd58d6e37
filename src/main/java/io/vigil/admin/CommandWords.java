package io.vigil.admin;

import io.vigil.core.Action;
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
    public static final List<String> WORDS = Action.words();

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
        if (!WORDS.contains(command)) {
            throw new IllegalArgumentException("unknown command \"" + printable(command) + "\"; expected one of "
                    + WORDS);
        }
        String a = arg == null ? "" : arg.trim().toLowerCase(Locale.ROOT);
        List<String> allowed = Action.argsOf(command);
        if (allowed.isEmpty() && !a.isEmpty()) {
            throw new IllegalArgumentException("command \"" + command + "\" takes no argument, got \""
                    + printable(a) + "\"");
        }
        if (!allowed.isEmpty() && a.isEmpty()) {
            throw new IllegalArgumentException("command \"" + command + "\" needs an argument: one of " + allowed);
        }
        if (!allowed.isEmpty() && !allowed.contains(a)) {
            throw new IllegalArgumentException("command \"" + command + "\" does not accept \"" + printable(a)
                    + "\"; expected one of " + allowed);
        }
        return Action.of(command, a).command();
    }

    /** Error messages quote client input; keep them short and free of control characters. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
