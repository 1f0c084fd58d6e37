package io.vigil.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Field-level edits of JSON messages: each field gets a plausible value, an edge value or a value
 * of the wrong type; fields are dropped, duplicated or joined by unknown ones; sometimes the whole
 * body is not an object at all. Built as text, so what is sent is exactly what was generated.
 */
final class JsonEdits {

    private static final ObjectMapper QUOTE = new ObjectMapper();
    private static final String[] WRONG_TYPES = {"null", "\"text\"", "[]", "{}", "[1,2]", "{\"a\":{}}", "1.5e308",
            "-0", "true", "99999999999999999999999", "\"\\u0000\""};
    /** Bodies that are JSON but not an object, and JSON that nests deeper than parsers like. */
    private static final String[] NOT_OBJECTS = {"null", "[]", "1", "\"x\"", "true", "", " ", "{", "}", "[{}]",
            "{\"a\":1}{\"b\":2}", "{\"a\":1,}", "{'a':1}", "{\"\\ud800\":1}"};

    private JsonEdits() {
    }

    /**
     * An object with {@code fields}, whose values come from {@code plausible} (given the field
     * name) most of the time.
     */
    static String object(SplittableRandom r, List<String> fields, Function<String, String> plausible) {
        if (r.nextInt(20) == 0) {
            return notObject(r);
        }
        List<String> parts = new ArrayList<>();
        for (String f : fields) {
            int roll = r.nextInt(12);
            if (roll == 0) {
                continue; // dropped
            }
            String v = roll == 1 ? WRONG_TYPES[r.nextInt(WRONG_TYPES.length)] : plausible.apply(f);
            parts.add(quote(f) + ":" + v);
            if (roll == 2) {
                parts.add(quote(f) + ":" + plausible.apply(f)); // duplicated key
            }
        }
        if (r.nextInt(8) == 0) {
            parts.add(r.nextInt(parts.size() + 1), quote(Mutator.edgeString(r)) + ":" + plausible.apply("?"));
        }
        return "{" + String.join(",", parts) + "}";
    }

    static String notObject(SplittableRandom r) {
        if (r.nextInt(4) == 0) {
            int depth = 1 + r.nextInt(5000);
            return "[".repeat(depth) + "]".repeat(r.nextBoolean() ? depth : 0);
        }
        return NOT_OBJECTS[r.nextInt(NOT_OBJECTS.length)];
    }

    static String quote(String s) {
        try {
            return QUOTE.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot quote a string", e);
        }
    }

    /** A number as JSON: usually an edge value. */
    static String number(SplittableRandom r) {
        return Long.toString(Mutator.edgeLong(r));
    }

    /** One of {@code words} quoted, or an edge string. */
    static String word(SplittableRandom r, String... words) {
        return quote(r.nextInt(4) == 0 ? Mutator.edgeString(r) : words[r.nextInt(words.length)]);
    }
}
