package io.vigil.bench;

import io.vigil.core.Action;
import io.vigil.console.ConsoleFuzzEntry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * REST JSON bodies of the console (login, command arguments) through {@link ConsoleFuzzEntry}:
 * the same body parsing the login and command handlers run, and the command-word parser. The
 * rejection is {@link IllegalArgumentException}; the HTTP layer around them (Jetty, with its
 * size limits and deadlines) is not part of this target.
 */
final class ConsoleFuzz implements FuzzTarget {

    private static final byte LOGIN = 0;
    private static final List<String> WORDS = Action.words();

    @Override
    public String name() {
        return "console";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        boolean login = r.nextBoolean();
        int word = r.nextInt(WORDS.size() + 1); // the last one: an unknown word
        String body = switch (r.nextInt(4)) {
            case 0 -> new String(Mutator.randomBytes(r, r.nextInt(200)), StandardCharsets.ISO_8859_1);
            case 1 -> JsonEdits.notObject(r);
            default -> login ? JsonEdits.object(r, List.of("user", "password"),
                    f -> JsonEdits.word(r, "admin", "secret"))
                    : JsonEdits.object(r, List.of("arg"), f -> JsonEdits.word(r, "on", "off", "keep", "enabled",
                    "disabled", "suspend", "resume", "start", "stop"));
        };
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(3) == 0) {
            bytes = Mutator.mutate(bytes, r);
        }
        return Mutator.concat(new byte[] {login ? LOGIN : 1, (byte) word}, bytes);
    }

    @Override
    public Verdict feed(byte[] input) {
        // Bodies are read as UTF-8 text (Http.body), malformed sequences included.
        String body = new String(Arrays.copyOfRange(input, 2, input.length), StandardCharsets.UTF_8);
        try {
            if (input[0] == LOGIN) {
                ConsoleFuzzEntry.login(body);
            } else {
                int w = input[1];
                ConsoleFuzzEntry.command(w < WORDS.size() ? WORDS.get(w) : "reboot", body);
            }
            return Verdict.ACCEPTED;
        } catch (IllegalArgumentException e) {
            return Verdict.REJECTED;
        }
    }
}
