package io.vigil.console;

import io.vigil.core.Action;
import io.vigil.core.Command;

/**
 * The console's REST body decoding without HTTP, for bench/fuzz (issue 10): the very methods
 * {@link Auth#login} and {@code Api}'s command handler call on a body before anything else.
 * Documented rejection: {@link IllegalArgumentException} (not JSON, too deep, too long, or JSON
 * the API does not accept; the handlers answer 400).
 */
public final class ConsoleFuzzEntry {

    private ConsoleFuzzEntry() {
    }

    /** POST /api/login's body up to the password check: the user name and the password (or null). */
    public static String[] login(String body) {
        return Auth.credentials(body);
    }

    /** POST /api/nodes/N/commands/WORD's body {"arg":...} and the word, as the command that would be submitted. */
    public static Command command(String word, String body) {
        return Action.parse(word, Api.commandArg(body)).command();
    }
}
