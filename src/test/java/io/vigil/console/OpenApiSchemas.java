package io.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test support for {@link OpenApiContractTest}: the OpenAPI 3.0 schemas of the records the API
 * answers with, derived from the records themselves (so the document cannot drift from the
 * code unnoticed), and a small validator of a JSON answer against a schema of the document.
 *
 * <p>Derivation: a record is an object with one property per component, all of them present;
 * a primitive component is required and never null, any other may be null ({@code nullable}).
 * Lists are arrays, maps with string keys objects whose values follow the value type, enums
 * strings with their constants. Nested records become their own named schemas.
 */
final class OpenApiSchemas {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final Map<String, ObjectNode> schemas = new TreeMap<>();
    private final Map<String, Class<?>> owners = new TreeMap<>();
    private final Map<Class<?>, String> names;

    /** @param names the schema name of records whose simple name would be unclear (e.g. ClusterView.Snapshot) */
    OpenApiSchemas(Map<Class<?>, String> names) {
        this.names = names;
    }

    /** Adds {@code root} and every record it reaches; returns its name. */
    String add(Class<?> root) {
        return ref(root).get("$ref").asText().substring("#/components/schemas/".length());
    }

    Map<String, ObjectNode> schemas() {
        return schemas;
    }

    private ObjectNode ref(Class<?> record) {
        String name = names.getOrDefault(record, record.getSimpleName());
        Class<?> owner = owners.putIfAbsent(name, record);
        if (owner != null && owner != record) {
            throw new IllegalStateException("two records named " + name + ": " + owner + " and " + record
                    + "; give one a name in OpenApiContractTest");
        }
        if (owner == null) {
            ObjectNode o = F.objectNode().put("type", "object");
            schemas.put(name, o); // before the components: a record may refer to itself
            ObjectNode props = o.putObject("properties");
            ArrayNode required = F.arrayNode();
            for (RecordComponent c : record.getRecordComponents()) {
                props.set(c.getName(), of(c.getGenericType(), !c.getType().isPrimitive()));
                if (c.getType().isPrimitive()) {
                    required.add(c.getName());
                }
            }
            if (!required.isEmpty()) {
                o.set("required", required);
            }
            o.put("additionalProperties", false);
        }
        return F.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    private ObjectNode of(Type t, boolean nullable) {
        ObjectNode s = plain(t);
        if (!nullable) {
            return s;
        }
        if (s.has("$ref")) {
            ObjectNode wrapped = F.objectNode();
            wrapped.putArray("allOf").add(s);
            return wrapped.put("nullable", true);
        }
        return s.put("nullable", true);
    }

    private ObjectNode plain(Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode s = F.objectNode().put("type", "array");
                s.set("items", of(args[0], false));
                return s;
            }
            if (Map.class.isAssignableFrom(raw) && args[0] == String.class) {
                ObjectNode s = F.objectNode().put("type", "object");
                s.set("additionalProperties", of(args[1], false));
                return s;
            }
            throw new IllegalStateException("no schema rule for " + t);
        }
        Class<?> c = (Class<?>) t;
        if (c == int.class || c == long.class || c == Integer.class || c == Long.class || c == short.class) {
            return F.objectNode().put("type", "integer");
        }
        if (c == double.class || c == float.class || c == Double.class || c == Float.class) {
            return F.objectNode().put("type", "number");
        }
        if (c == boolean.class || c == Boolean.class) {
            return F.objectNode().put("type", "boolean");
        }
        if (c == String.class) {
            return F.objectNode().put("type", "string");
        }
        if (c.isEnum()) {
            ObjectNode s = F.objectNode().put("type", "string");
            ArrayNode values = s.putArray("enum");
            for (Object e : c.getEnumConstants()) {
                values.add(((Enum<?>) e).name());
            }
            return s;
        }
        if (c.isRecord()) {
            return ref(c);
        }
        throw new IllegalStateException("no schema rule for " + c + ": add one to OpenApiSchemas");
    }

    /** The problems of {@code value} against {@code schema} (empty when it conforms); {@code doc} resolves $ref. */
    static List<String> validate(JsonNode doc, JsonNode schema, JsonNode value, String where) {
        List<String> problems = new ArrayList<>();
        check(doc, schema, value, where, problems);
        return problems;
    }

    private static void check(JsonNode doc, JsonNode schema, JsonNode value, String where, List<String> out) {
        if (schema.has("$ref")) {
            JsonNode target = doc.at(schema.get("$ref").asText().substring(1));
            if (target.isMissingNode()) {
                out.add(where + ": dangling $ref " + schema.get("$ref").asText());
                return;
            }
            check(doc, target, value, where, out);
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                out.add(where + ": null where the document does not allow it");
            }
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            check(doc, part, value, where, out);
        }
        String type = schema.path("type").asText("");
        boolean typeOk = switch (type) {
            case "" -> true;
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> false;
        };
        if (!typeOk) {
            out.add(where + ": " + value.getNodeType() + " where the document says " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                out.add(where + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isArray()) {
            int i = 0;
            for (JsonNode item : value) {
                check(doc, schema.path("items"), item, where + "[" + i++ + "]", out);
            }
        }
        if (value.isObject()) {
            checkObject(doc, schema, value, where, out);
        }
    }

    private static void checkObject(JsonNode doc, JsonNode schema, JsonNode value, String where, List<String> out) {
        for (JsonNode r : schema.path("required")) {
            if (!value.has(r.asText())) {
                out.add(where + ": required property " + r.asText() + " is missing");
            }
        }
        JsonNode props = schema.path("properties");
        JsonNode extra = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String at = where + "." + f.getKey();
            if (props.has(f.getKey())) {
                check(doc, props.get(f.getKey()), f.getValue(), at, out);
            } else if (extra != null && extra.isObject()) {
                check(doc, extra, f.getValue(), at, out);
            } else if (extra != null && !extra.asBoolean(true)) {
                out.add(at + ": a property the document does not list");
            }
        }
    }
}
