package dev.cordon.pce.console.infra;

import dev.cordon.pce.console.infra.ApiClient.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One submitted form: its id (a page may hold several forms), the values as posted (to show them again), and the
 * errors to show, each beside the field it concerns.
 *
 * <p>The API names a problem by a token ({@code label_value_required}, {@code invalid_workload_mode}, ...), not by a
 * field. Each form declares its fields with the token words that concern them, most specific first; an error goes to
 * the first field one of whose words occurs in its token, and to the top of the form when none does.
 */
public final class Form {
    public static final String FORM_LEVEL = "_form";

    /** A field and the words of the tokens that concern it. */
    public record Field(String name, List<String> tokenWords) {
        public static Field of(String name, String... words) {
            return new Field(name, List.of(words));
        }
    }

    public final String id;
    private final Map<String, List<String>> values;
    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    public Form(String id, Map<String, List<String>> values) {
        this.id = id;
        this.values = new java.util.HashMap<>(values);
    }

    public String value(String field) {
        List<String> v = values.get(field);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    List<String> values(String field) {
        List<String> v = values.get(field);
        return v == null ? List.of() : v;
    }

    /** Replaces a field's values (a picker's typed names once resolved into pills). */
    void set(String field, List<String> v) {
        values.put(field, List.copyOf(v));
    }

    boolean has(String field) {
        return values.containsKey(field);
    }

    public void error(String field, String message) {
        errors.computeIfAbsent(field, f -> new ArrayList<>()).add(message);
    }

    /**
     * Places each API error beside its field (see the class comment); when no token word matches, the words are
     * looked for in the message (e.g. "... (src_workload)"), and only then does the error go to the top of the form.
     */
    public void errors(List<ApiError> apiErrors, List<Field> fields) {
        for (ApiError e : apiErrors) {
            String target = match(e.token(), fields);
            if (target == null) target = match(e.message().toLowerCase(java.util.Locale.ROOT), fields);
            error(target == null ? FORM_LEVEL : target, e.message());
        }
    }

    private static String match(String text, List<Field> fields) {
        for (Field f : fields) {
            for (String w : f.tokenWords()) {
                if (text.contains(w)) return f.name();
            }
        }
        return null;
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<String> errorsOf(String field) {
        return errors.getOrDefault(field, List.of());
    }
}
