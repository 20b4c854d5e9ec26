package dev.cordon.pce.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.validate.PolicyException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/** The PCE's JSON: the policy module's conventions (snake_case, unknown fields rejected), plus tree helpers. */
public final class Json {
    public static final ObjectMapper MAPPER = PolicyJson.configure(new ObjectMapper());
    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    /** RFC 3339 UTC with milliseconds; fixed width, so the text sorts as time does. */
    public static String now(Clock clock) {
        return RFC3339.format(clock.instant());
    }

    public static String format(java.time.Instant t) {
        return RFC3339.format(t);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static ObjectNode ref(String href) {
        return object().put("href", href);
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    /** Parses a request body; bad JSON (too deep, NUL in names, ...) is the client's mistake (406), never a 500. */
    public static JsonNode parseBody(String text, String what) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid("missing_body", "The request needs a JSON body (" + what + ").");
        }
        InputText.check(text, what); // depth and characters, before any tree exists
        JsonNode n;
        try {
            n = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(List.of(PolicyJson.describe(e, what)));
        }
        if (n == null) return MAPPER.nullNode();
        try {
            PolicyJson.rejectNullsInArrays(n, what);
        } catch (dev.cordon.policy.validate.PolicyException e) {
            throw ApiException.invalid(e.errors());
        }
        return n;
    }

    public static ObjectNode parseObject(String text, String what) {
        JsonNode n = parseBody(text, what);
        if (!n.isObject()) {
            throw ApiException.invalid("invalid_body", "The " + what + " must be a JSON object.");
        }
        return (ObjectNode) n;
    }

    /** Converts a tree into a model type, so Jackson checks names and types; failures are 406 with the field named. */
    public static <T> T convert(JsonNode node, Class<T> type, String what) {
        try {
            return PolicyJson.read(node, type, what);
        } catch (PolicyException e) {
            throw ApiException.invalid(e.errors());
        }
    }

    public static ObjectNode tree(Object value) {
        return (ObjectNode) MAPPER.valueToTree(value);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Rejects fields not in {@code allowed}, for request bodies that have no model record. */
    public static void onlyFields(JsonNode body, Set<String> allowed, String what) {
        var it = body.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.invalid("unknown_field", "Unknown field '" + f + "' in the " + what
                        + ": remove it or fix its spelling (allowed here: " + String.join(", ", allowed.stream().sorted().toList()) + ").");
            }
        }
    }

    public static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
