package io.vigil.vms.management;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.stream.Collectors;

/**
 * Request bodies in, answers out. Strict on input, so that what the client meant is never guessed:
 * an unknown field, a duplicate key, a wrong type or trailing data is refused with the field named.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .findAndAddModules()
            .build();

    private Json() {
    }

    public static <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw ApiError.badField(null, "the request has no JSON body; send one object (Content-Type: application/json)");
        }
        try {
            return MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiError.badField(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "'; the fields are "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (JsonParseException e) {
            throw ApiError.badField(null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ApiError refused) {
                throw refused; // a record's own check, which names its field
            }
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            throw ApiError.badField(field.isEmpty() ? null : field, field.isEmpty()
                    ? "the body must be one JSON object of the documented fields"
                    : "field '" + field + "' has the wrong type or form");
        } catch (JsonProcessingException e) {
            throw ApiError.badField(null, "the body is not valid JSON");
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an answer", e);
        }
    }
}
