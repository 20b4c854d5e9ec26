package dev.cordon.pce.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * What every JSON request body must be before it is parsed into a tree: nested at most {@link #MAX_DEPTH} levels
 * (a deeper body is a mistake or an attack, and recursive code further on must never meet it), and free of
 * characters that break names. One streaming pass, so even a large policy import costs little.
 *
 * <p>The rule on characters: no string anywhere may hold NUL or a control character other than tab, line feed
 * and carriage return (descriptions and agent messages may span lines); a string that is a name
 * ({@link #NAME_FIELDS}: object names, hostnames, label keys and values, ...) may hold no control character at all.
 * JSON syntax errors are left to the parser that follows, which describes them better.
 */
public final class InputText {
    /** Deeper than any real Illumio or Cordon document (those nest under ten levels). */
    public static final int MAX_DEPTH = 64;
    public static final Set<String> NAME_FIELDS = Set.of("name", "hostname", "key", "value", "display_name",
            "username", "external_data_set", "external_data_reference", "os_type", "version", "event_type");

    private InputText() {}

    public static void check(String text, String what) {
        Deque<String> path = new ArrayDeque<>();
        String field = null;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT, START_ARRAY -> {
                        if (path.size() >= MAX_DEPTH) {
                            throw ApiException.invalid("json_too_deep", "The " + what + " nests deeper than "
                                    + MAX_DEPTH + " levels (at " + where(path, field) + "): no Cordon or Illumio"
                                    + " object needs that; send the object flat as docs/api.md shows.");
                        }
                        path.push(field == null ? "" : field);
                        field = null;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.pop();
                        field = null;
                    }
                    case FIELD_NAME -> {
                        field = p.currentName();
                        refuse(field, false, what, path, field);
                    }
                    case VALUE_STRING -> {
                        String at = field;
                        boolean name = at != null && NAME_FIELDS.contains(at);
                        refuse(p.getText(), name, what, path, at);
                        field = null;
                    }
                    default -> field = null;
                }
            }
        } catch (IOException e) {
            // not JSON: the tree parser that follows reports where and why
        }
    }

    private static void refuse(String s, boolean name, String what, Deque<String> path, String at) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
            boolean allowed = !name && (c == '\t' || c == '\n' || c == '\r');
            if (control && !allowed) {
                String token = c == 0 ? "nul_character" : "control_character";
                String kind = name ? "a name" : "text";
                throw ApiException.invalid(token, "The " + what + " has character U+" + String.format("%04X", (int) c)
                        + " in " + where(path, at) + ": " + kind + " may not hold NUL or control characters"
                        + (name ? "" : " (tab and line breaks are allowed outside names)") + "; remove it.");
            }
        }
    }

    /** A readable field path, e.g. {@code interfaces.address}. */
    private static String where(Deque<String> path, String at) {
        StringBuilder b = new StringBuilder();
        var it = path.descendingIterator();
        while (it.hasNext()) {
            String f = it.next();
            if (f.isEmpty()) continue;
            if (b.length() > 0) b.append('.');
            b.append(f);
        }
        if (at != null) {
            if (b.length() > 0) b.append('.');
            b.append(at);
        }
        return b.length() == 0 ? "the top level" : "'" + b + "'";
    }
}
