package io.vigil.console;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.admin.CommandWords;
import io.vigil.core.Command;

/**
 * The console's REST body decoding without HTTP, for bench/fuzz (issue 10): the console's JSON
 * mapper reading a login body and a command's arguments, as {@link Auth#login} and
 * {@code Api}'s command handler do before anything else. Documented rejections:
 * {@link JacksonException} (not JSON, too deep, too long) and {@link IllegalArgumentException}
 * (valid JSON the API does not accept; the handlers answer 400 for both).
 */
public final class ConsoleFuzzEntry {

    private ConsoleFuzzEntry() {
    }

    /** POST /api/login's body up to the password check: the user name and the password (or null). */
    public static String[] login(String body) throws JacksonException {
        JsonNode n = Json.MAPPER.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object {\"user\":\"admin\","
                    + "\"password\":\"...\"}");
        }
        return new String[] {n.path("user").asText(""), n.path("password").asText(null)};
    }

    /** POST /api/nodes/N/commands/WORD's body {"arg":...} and the word, as the command that would be submitted. */
    public static Command command(String word, String body) throws JacksonException {
        String arg = null;
        if (!body.isBlank()) {
            JsonNode n = Json.MAPPER.readTree(body);
            arg = n != null && n.hasNonNull("arg") ? n.get("arg").asText() : null;
        }
        return CommandWords.parse(word, arg);
    }
}
