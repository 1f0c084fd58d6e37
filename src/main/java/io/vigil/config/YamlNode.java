package io.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in the parsed YAML tree that knows its key path, so every type error can name the
 * exact key ({@code resources[1].checkers[0].port}) instead of Jackson's stream offsets.
 */
final class YamlNode {

    private final Path file;
    private final String path;
    private final JsonNode node;

    YamlNode(Path file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    String path() {
        return path;
    }

    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    ConfigException error(String key, String problem, String fix) {
        return new ConfigException(file, key == null ? path : childPath(key), problem, fix);
    }

    /** Requires a mapping whose keys are all in {@code known}; a typo is an error, never ignored. */
    YamlNode mapping(Set<String> known) throws ConfigException {
        if (!node.isObject()) {
            throw error(null, "expected a mapping of keys, found " + kind(node),
                    "Write it as 'key: value' lines indented under '" + path + ":'");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String hint = Suggest.closest(name, known)
                        .map(s -> "Did you mean '" + s + "'? ")
                        .orElse("");
                throw error(name, "unknown key",
                        hint + "Known keys here: " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return this;
    }

    /** The child, or empty when absent or written with no value ({@code logDir:}). */
    Optional<YamlNode> child(String key) {
        JsonNode c = node.get(key);
        if (c == null || c.isNull() || c.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(new YamlNode(file, childPath(key), c));
    }

    YamlNode required(String key) throws ConfigException {
        Optional<YamlNode> c = child(key);
        if (c.isEmpty()) {
            throw error(key, "required key is missing", "Add '" + key + ":' under '"
                    + (path.isEmpty() ? "the top level" : path) + "'");
        }
        return c.get();
    }

    String string(String key, String def) throws ConfigException {
        Optional<YamlNode> c = child(key);
        return c.isEmpty() ? def : c.get().asString();
    }

    String requiredString(String key) throws ConfigException {
        return required(key).asString();
    }

    String asString() throws ConfigException {
        if (!node.isValueNode()) {
            throw error(null, "expected a single value, found " + kind(node), "Write a plain value");
        }
        return node.asText();
    }

    int integer(String key, int def) throws ConfigException {
        long v = number(key, def);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(key, "number out of range", "Use a smaller number");
        }
        return (int) v;
    }

    long number(String key, long def) throws ConfigException {
        Optional<YamlNode> c = child(key);
        if (c.isEmpty()) {
            return def;
        }
        JsonNode n = c.get().node;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            // Never echo the value: a mistyped key could be the secret (SPEC §7).
            throw c.get().error(null, "expected a whole number, found " + kind(n),
                    "Write digits only, without quotes or units (durations are in milliseconds)");
        }
        return n.asLong();
    }

    boolean bool(String key, boolean def) throws ConfigException {
        Optional<YamlNode> c = child(key);
        if (c.isEmpty()) {
            return def;
        }
        if (!c.get().node.isBoolean()) {
            throw c.get().error(null, "expected true or false, found " + kind(c.get().node),
                    "Write true or false");
        }
        return c.get().node.asBoolean();
    }

    /** The items of a list; an absent key is an empty list. */
    List<YamlNode> list(String key) throws ConfigException {
        Optional<YamlNode> c = child(key);
        List<YamlNode> out = new ArrayList<>();
        if (c.isEmpty()) {
            return out;
        }
        if (!c.get().node.isArray()) {
            throw c.get().error(null, "expected a list, found " + kind(c.get().node),
                    "Write one '- item' per line, or [a, b]");
        }
        for (int i = 0; i < c.get().node.size(); i++) {
            out.add(new YamlNode(file, c.get().path + "[" + i + "]", c.get().node.get(i)));
        }
        return out;
    }

    List<String> strings(String key) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (YamlNode item : list(key)) {
            out.add(item.asString());
        }
        return out;
    }

    /** A command: a list is argv as is; a single string runs through {@code sh -c}. */
    List<String> command(String key) throws ConfigException {
        Optional<YamlNode> c = child(key);
        if (c.isEmpty()) {
            return List.of();
        }
        if (c.get().node.isValueNode()) {
            return List.of("sh", "-c", c.get().asString());
        }
        return strings(key);
    }

    Map<String, String> stringMap(String key) throws ConfigException {
        Optional<YamlNode> c = child(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (c.isEmpty()) {
            return out;
        }
        if (!c.get().node.isObject()) {
            throw c.get().error(null, "expected a mapping, found " + kind(c.get().node),
                    "Write NAME: value lines");
        }
        for (Map.Entry<String, JsonNode> e : c.get().node.properties()) {
            YamlNode v = new YamlNode(file, c.get().childPath(e.getKey()), e.getValue());
            out.put(e.getKey(), e.getValue().isNull() ? "" : v.asString());
        }
        return out;
    }

    Path path(String key, Path base, Path def) throws ConfigException {
        String s = string(key, null);
        return s == null ? def : base.resolve(s).normalize();
    }

    JsonNode raw() {
        return node;
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isBoolean()) {
            return "true/false";
        }
        if (n.isNumber()) {
            return "a number";
        }
        return "text";
    }
}
