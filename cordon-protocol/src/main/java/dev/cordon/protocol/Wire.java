package dev.cordon.protocol;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Reading and writing the wire records. Both sides may use their own mapper (the records name and order their
 * fields), but the VEN, which has no mapper of its own for the protocol, uses this one: strict on types (a number
 * where a string belongs is an error, not converted), compact output.
 */
public final class Wire {
    private static final ObjectMapper MAPPER = mapper();

    private Wire() {}

    /** The record as compact JSON. */
    public static String write(Object record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The record as a JSON tree (the PCE answers with trees). */
    public static JsonNode tree(Object record) {
        return MAPPER.valueToTree(record);
    }

    /**
     * Reads {@code json} as {@code type}; {@code what} names it in the message.
     *
     * @throws IllegalArgumentException when it is not JSON or not that record
     */
    public static <T> T read(String json, Class<T> type, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Binds an already checked tree to {@code type} (the PCE checks a VEN's fields first, {@code pce.ven.VenInputs}).
     *
     * @throws IllegalArgumentException when the tree is not that record
     */
    public static <T> T read(JsonNode tree, Class<T> type, String what) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
