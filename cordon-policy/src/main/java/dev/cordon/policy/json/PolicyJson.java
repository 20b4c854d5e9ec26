package dev.cordon.policy.json;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * JSON in the exact shapes of API.md: snake_case names, absent fields stay absent, unknown fields are rejected
 * with a message naming the field, where it was, and what is allowed there.
 */
public final class PolicyJson {
    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private PolicyJson() {}

    /** Applies Cordon's JSON conventions to a mapper (the PCE uses the same for its API). */
    public static ObjectMapper configure(ObjectMapper m) {
        // Model records offer helpers such as isManaged(); only record components are JSON properties.
        m.setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
        // a number or true/false where the API wants a string ("key": 5) is a mistake to report, not to convert
        for (com.fasterxml.jackson.databind.cfg.CoercionInputShape shape : List.of(
                com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer,
                com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float,
                com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean)) {
            m.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
                    .setCoercion(shape, com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
        }
        return m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // "port": 80.5 is a mistake, not port 80
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads a policy document; a scenario file (an object with a {@code policy} field) yields its policy. */
    public static PolicyDocument readDocument(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PolicyException(List.of(new ValidationError("file_not_found",
                    "No such file: " + file + ". Give the path of a policy document (JSON).")));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new PolicyException(List.of(new ValidationError("file_not_utf8", file + " is not UTF-8 text: a"
                    + " policy document is JSON in UTF-8; convert it (iconv -t UTF-8) or check that it is the right file.")));
        } catch (IOException e) {
            throw new PolicyException(List.of(new ValidationError("file_unreadable",
                    "Cannot read " + file + ": " + e.getMessage())));
        }
        return readDocument(text);
    }

    public static PolicyDocument readDocument(String text) {
        // A plain document (not a scenario file) is read without a tree: one streaming pass refuses nulls in lists,
        // a second binds the model. The tree of a 119 MB document cost about a gigabyte and half the load time.
        if (plainDocumentWithoutNulls(text)) return read(text, PolicyDocument.class, "policy document");
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new PolicyException(List.of(describe(e, "policy document")));
        }
        if (root == null || !root.isObject()) {
            throw new PolicyException(List.of(new ValidationError("invalid_document",
                    "A policy document is a JSON object with labels, label_groups, workloads, ip_lists, services,"
                            + " rule_sets and firewall_settings.")));
        }
        if (root.has("policy") && root.get("policy").isObject() && !root.has("rule_sets")) {
            root = root.get("policy"); // a scenario file wraps its policy document
        }
        rejectNullsInArrays(root, "policy document"); // an input boundary, as the PCE's request bodies are
        return read(root, PolicyDocument.class, "policy document");
    }

    /**
     * True when {@code text} is one JSON object that is not a scenario file (no {@code policy} object standing in
     * for a missing {@code rule_sets}) and holds no null in any list; false when the tree path must decide (it
     * names the problem). Throws, as the tree path does, on JSON that does not parse and on nulls in lists.
     */
    private static boolean plainDocumentWithoutNulls(String text) {
        List<ValidationError> errors = new java.util.ArrayList<>();
        boolean policyObject = false;
        boolean ruleSets = false;
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(text)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) return false;
            int depth = 1;
            com.fasterxml.jackson.core.JsonToken t;
            while (depth > 0 && (t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (depth == 1 && t == com.fasterxml.jackson.core.JsonToken.START_OBJECT
                                && "policy".equals(p.currentName())) {
                            policyObject = true;
                        }
                        depth++;
                    }
                    case END_OBJECT, END_ARRAY -> depth--;
                    case FIELD_NAME -> {
                        if (depth == 1 && "rule_sets".equals(p.currentName())) ruleSets = true;
                    }
                    case VALUE_NULL -> {
                        if (p.getParsingContext().inArray() && errors.size() < 20) {
                            errors.add(new ValidationError("null_in_list", "null at " + place(p.getParsingContext())
                                    + " in the policy document: a list holds values, not null; remove the entry or"
                                    + " give it a value."));
                        }
                    }
                    default -> { }
                }
            }
            if (p.nextToken() != null) return false; // trailing tokens: the tree path reports them
        } catch (JsonProcessingException e) {
            throw new PolicyException(List.of(describe(e, "policy document")));
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory cannot do I/O", e);
        }
        if (policyObject && !ruleSets) return false;
        if (!errors.isEmpty()) throw new PolicyException(errors);
        return true;
    }

    /**
     * Converts a JSON tree to a model type, turning Jackson's complaints into {@link PolicyException}s. Nulls inside
     * lists are refused where input enters ({@link #readDocument(String)}, the PCE's request bodies), not here:
     * this also converts what was stored or received from the PCE, on the VEN's and the PCE's hot paths.
     */
    public static <T> T read(JsonNode node, Class<T> type, String what) {
        return readWith(type, what, r -> r.readValue(node));
    }

    /** The streaming twin of {@link #read(JsonNode, Class, String)}: no tree is built (a VEN's policy may be large). */
    public static <T> T read(String json, Class<T> type, String what) {
        return readWith(type, what, r -> r.readValue(json));
    }

    private interface Reading<T> {
        T from(com.fasterxml.jackson.databind.ObjectReader reader) throws IOException;
    }

    private static <T> T readWith(Class<T> type, String what, Reading<T> reading) {
        Problems problems = new Problems(what);
        T value;
        try {
            value = reading.from(MAPPER.readerFor(type).withHandler(problems));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            problems.errors.add(describe(e, what));
            throw new PolicyException(problems.errors);
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON from memory cannot do I/O", e);
        }
        if (!problems.errors.isEmpty()) throw new PolicyException(problems.errors);
        return value;
    }

    /**
     * Collects every unknown field and every value of the wrong type while Jackson reads on, so a document with
     * several such mistakes is answered with all of them at once (the result is thrown away when there are any).
     */
    private static final class Problems extends com.fasterxml.jackson.databind.deser.DeserializationProblemHandler {
        final List<ValidationError> errors = new java.util.ArrayList<>();
        private final String what;

        Problems(String what) {
            this.what = what;
        }

        @Override
        public boolean handleUnknownProperty(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                                             com.fasterxml.jackson.core.JsonParser p,
                                             com.fasterxml.jackson.databind.JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            String known = deserializer.getKnownPropertyNames().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            errors.add(new ValidationError("unknown_field", "Unknown field '" + propertyName + "' at "
                    + place(p.getParsingContext()) + " in the " + what + ": remove it or fix its spelling (allowed"
                    + " here: " + known + ")."));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                                             Class<?> targetType, String value, String failureMsg) {
            errors.add(new ValidationError("invalid_value", "Wrong type at " + place(ctxt.getParser().getParsingContext())
                    + " in the " + what + ": '" + value + "' is not " + typeName(targetType) + "."));
            return null;
        }

        @Override
        public Object handleInstantiationProblem(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                                                 Class<?> instClass, Object argument, Throwable t) {
            // a record's constructor refused a value (an unknown enforcement mode, say): note it and read on
            String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            // the parser stands at the object's end: name the object (its message names the field)
            com.fasterxml.jackson.core.JsonStreamContext at = ctxt.getParser().getParsingContext();
            errors.add(new ValidationError("invalid_value", "Invalid value in " + place(at.inObject() ? at.getParent() : at)
                    + " of the " + what + ": " + why + "."));
            return null;
        }

        @Override
        public Object handleUnexpectedToken(com.fasterxml.jackson.databind.DeserializationContext ctxt,
                                            com.fasterxml.jackson.databind.JavaType targetType,
                                            com.fasterxml.jackson.core.JsonToken t,
                                            com.fasterxml.jackson.core.JsonParser p, String failureMsg) throws IOException {
            if (targetType.isPrimitive()) return NOT_HANDLED; // no null to stand in: Jackson reports it
            errors.add(new ValidationError("invalid_value", "Wrong type at " + place(p.getParsingContext()) + " in"
                    + " the " + what + ": expected " + typeName(targetType.getRawClass()) + "."));
            p.skipChildren();
            return null;
        }
    }

    /** workloads[0].colour: where the parser is, in the path form the messages use. */
    private static String place(com.fasterxml.jackson.core.JsonStreamContext ctx) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (com.fasterxml.jackson.core.JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.getCurrentName() != null) parts.push((parts.isEmpty() && c.getParent().inRoot() ? "" : ".") + c.getCurrentName());
        }
        String s = String.join("", parts);
        if (s.startsWith(".")) s = s.substring(1);
        return s.isEmpty() ? "the top level" : s;
    }

    /**
     * Rejects {@code null} as an element of any array (a list of labels, rules, ports, ...): no list in the API
     * shapes holds nulls, and one left in would stop the whole policy from compiling. Every occurrence is named,
     * up to 20, with its path.
     */
    public static void rejectNullsInArrays(JsonNode root, String what) {
        List<ValidationError> errors = new java.util.ArrayList<>();
        nullsIn(root, "", what, errors);
        if (!errors.isEmpty()) throw new PolicyException(errors);
    }

    /**
     * Where a node lies: its parent's place plus a field name or a list position. Built as a chain and turned into
     * text only when a null is found, since the text of every node's path of a 119 MB document cost seconds.
     */
    private record At(At parent, String field, int index) {
        @Override
        public String toString() {
            if (parent == null) return "";
            String up = parent.toString();
            if (field == null) return up + "[" + index + "]";
            return up.isEmpty() ? field : up + "." + field;
        }
    }

    private static void nullsIn(JsonNode n, String at, String what, List<ValidationError> errors) {
        nullsIn(n, at.isEmpty() ? new At(null, null, 0) : new At(new At(null, null, 0), at, 0), what, errors);
    }

    private static void nullsIn(JsonNode n, At at, String what, List<ValidationError> errors) {
        if (errors.size() >= 20 || n == null) return;
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (e.isNull()) {
                    String here = new At(at, null, i).toString();
                    errors.add(new ValidationError("null_in_list", "null at " + here + " in the " + what + ": a list"
                            + " holds values, not null; remove the entry or give it a value."));
                } else if (e.isContainerNode()) {
                    nullsIn(e, new At(at, null, i), what, errors);
                }
            }
        } else if (n.isObject()) {
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().isContainerNode()) nullsIn(e.getValue(), new At(at, e.getKey(), 0), what, errors);
            }
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Turns a Jackson failure into a stable token and a message that says where and how to fix it. */
    public static ValidationError describe(Exception e, String what) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            return new ValidationError("unknown_field", "Unknown field '" + u.getPropertyName() + "' at "
                    + path(u) + " in the " + what + ": remove it or fix its spelling (allowed here: " + known + ").");
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return new ValidationError("invalid_value", "Invalid value at " + path(v) + " in the " + what + ": "
                    + v.getCause().getMessage() + ".");
        }
        if (e instanceof InvalidFormatException f) {
            String cause = f.getCause() != null ? f.getCause().getMessage() : ("'" + f.getValue() + "' is not "
                    + typeName(f.getTargetType()));
            return new ValidationError("invalid_value", "Invalid value at " + path(f) + " in the " + what + ": "
                    + cause + ".");
        }
        if (e instanceof MismatchedInputException m) {
            String target = m.getTargetType() == null ? "another type" : typeName(m.getTargetType());
            return new ValidationError("invalid_value", "Wrong type at " + path(m) + " in the " + what
                    + ": expected " + target + ".");
        }
        if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException c) {
            return new ValidationError("invalid_value", "A number in the " + what + " is out of range (line "
                    + c.getLocation().getLineNr() + ", column " + c.getLocation().getColumnNr() + "): ports are 0-65535,"
                    + " protocols 0-255, prefix lengths 0-128.");
        }
        if (e instanceof JsonParseException p) {
            return new ValidationError("invalid_json", "The " + what + " is not valid JSON (line "
                    + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + "): "
                    + withoutSource(p.getOriginalMessage()) + ".");
        }
        if (e instanceof JsonMappingException m && String.valueOf(m.getOriginalMessage()).contains("out of range")) {
            return new ValidationError("invalid_value", "The number at " + path(m) + " in the " + what + " is out of"
                    + " range: ports are 0-65535, protocols 0-255, prefix lengths 0-128.");
        }
        if (e instanceof JsonMappingException m) {
            return new ValidationError("invalid_value", "Invalid " + what + " at " + path(m) + ": "
                    + withoutSource(m.getOriginalMessage()));
        }
        return new ValidationError("invalid_json", "The " + what + " could not be read: " + e.getMessage());
    }

    /** Jackson's messages name the input as "[Source: REDACTED ...; line: L, column: C]": keep only the place. */
    static String withoutSource(String message) {
        if (message == null) return "";
        return message.replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
                .replaceAll("\\s+", " ").trim();
    }

    private static String typeName(Class<?> c) {
        if (List.class.isAssignableFrom(c)) return "a JSON array";
        if (c == String.class) return "a string";
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return "a whole number";
        if (c == Boolean.class || c == boolean.class) return "true or false";
        return "a JSON object";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "the top level" : sb.toString();
    }
}
