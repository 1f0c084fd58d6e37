package io.vigil.config;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads one checker; keys that do not apply to its type are errors, not silently ignored. */
final class CheckerReader {

    private static final Set<String> COMMON = Set.of("type", "intervalMs", "timeoutMs", "fall", "rise", "graceMs");
    private static final Map<CheckerSection.Type, Set<String>> SPECIFIC = Map.of(
            CheckerSection.Type.PROCESS, Set.of(),
            CheckerSection.Type.TCP, Set.of("host", "port"),
            CheckerSection.Type.HTTP, Set.of("url", "expectStatus"),
            CheckerSection.Type.COMMAND, Set.of("command"));

    private CheckerReader() {
    }

    static CheckerSection checker(YamlNode c) throws ConfigException {
        Set<String> all = new HashSet<>(COMMON);
        SPECIFIC.values().forEach(all::addAll);
        c.mapping(all);
        YamlNode typeNode = c.required("type");
        String typeText = typeNode.asString();
        CheckerSection.Type type;
        try {
            type = CheckerSection.Type.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw typeNode.error(null, "'" + typeText + "' is not a checker type", "Use process, tcp, http or command");
        }
        for (String key : all) {
            if (!COMMON.contains(key) && !SPECIFIC.get(type).contains(key) && c.child(key).isPresent()) {
                throw c.error(key, "does not apply to a " + typeText + " checker",
                        "Remove it, or change the type (" + typeText + " checkers use: "
                                + (SPECIFIC.get(type).isEmpty() ? "no extra keys" : String.join(", ", SPECIFIC.get(type)))
                                + ")");
            }
        }
        if (type == CheckerSection.Type.TCP) {
            c.required("port");
        }
        if (type == CheckerSection.Type.HTTP) {
            c.required("url");
        }
        if (type == CheckerSection.Type.COMMAND) {
            c.required("command");
        }
        return new CheckerSection(type, c.string("host", "127.0.0.1"), c.integer("port", 0),
                c.string("url", null), c.integer("expectStatus", 200), c.command("command"),
                c.number("intervalMs", 1000), c.number("timeoutMs", 1000), c.integer("fall", 3),
                c.integer("rise", 2), c.number("graceMs", 5000));
    }
}
