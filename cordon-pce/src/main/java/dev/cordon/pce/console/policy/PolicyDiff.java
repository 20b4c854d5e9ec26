package dev.cordon.pce.console.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What provisioning one pending object changes: the object as the active version has it beside the draft's,
 * field by field, and for a rule set rule by rule (matched by href). Pure: the values are written by a
 * {@link Describe} (names, not hrefs), so this class reads nothing and knows nothing of pages.
 *
 * <p>The two sides are compared after their hrefs are put in one form ({@code /sec_policy/active/} and
 * {@code /sec_policy/N/} read as {@code /sec_policy/draft/}), as the API writes each version's references in its own
 * form: an unchanged reference is not a change. A field absent, {@code null} or an empty list counts as the same.
 */
public final class PolicyDiff {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("/sec_policy/(active|\\d+)/");

    /** Kept by the PCE, not written by the user: never shown as a change. */
    private static final Set<String> BOOKKEEPING = Set.of("href", "created_at", "updated_at", "created_by", "updated_by",
            "deleted_at", "deleted_by", "update_type", "caps", "external_data_set", "external_data_reference");

    /** The rule collections of a rule set, each diffed rule by rule. */
    public static final List<String> RULE_COLLECTIONS = List.of("rules", "deny_rules", "ip_tables_rules");

    public enum Change {
        ADDED, CHANGED, REMOVED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One field that differs: its value in the active version and in the draft, as the describer wrote them. */
    public record FieldChange(String field, String active, String draft) {}

    /** One rule of a rule set added, changed (with its changed fields) or removed. */
    public record RuleChange(String collection, String href, String summary, Change change, List<FieldChange> fields) {}

    /** One pending object: what happens to it, its changed fields and (for a rule set) its changed rules. */
    public record ObjectChange(String collection, String href, String name, Change change, List<FieldChange> fields,
                               List<RuleChange> rules) {
        /** True when provisioning changes nothing visible here (e.g. only bookkeeping fields differ). */
        public boolean nothingShown() {
            return change == Change.CHANGED && fields.isEmpty() && rules.isEmpty();
        }
    }

    /** Writes a field's value as people read it (names, not hrefs), and sums up a rule in one line. */
    public interface Describe {
        String value(String collection, String field, JsonNode value);

        String rule(String collection, JsonNode rule);
    }

    private PolicyDiff() {
    }

    /**
     * The change to one object of {@code collection} ({@code rule_sets}, {@code ip_lists}, ...): {@code active} null
     * (or missing) when the draft adds it, {@code draft} null when the draft removes it.
     */
    public static ObjectChange of(String collection, String href, JsonNode active, JsonNode draft, Describe d) {
        JsonNode a = normalized(active);
        JsonNode n = normalized(draft);
        String name = name(n != null ? n : a, href);
        if (a == null && n == null) throw new IllegalArgumentException("Neither side of " + href + " is given.");
        Change change = a == null ? Change.ADDED : n == null ? Change.REMOVED : Change.CHANGED;
        List<FieldChange> fields = change == Change.CHANGED ? fields(collection, a, n, d, RULE_COLLECTIONS) : List.of();
        List<RuleChange> rules = new ArrayList<>();
        if (collection.equals("rule_sets")) {
            for (String rc : RULE_COLLECTIONS) rules.addAll(rules(rc, a, n, d));
        }
        return new ObjectChange(collection, norm(href), name, change, fields, rules);
    }

    /**
     * The rules of one collection of a rule set that differ, in the draft's order, then the removed ones in the active
     * order. When the whole rule set is added (or removed) every rule of it is added (or removed).
     */
    static List<RuleChange> rules(String rc, JsonNode active, JsonNode draft, Describe d) {
        Map<String, JsonNode> before = byHref(active == null ? null : active.path(rc));
        Map<String, JsonNode> after = byHref(draft == null ? null : draft.path(rc));
        List<RuleChange> out = new ArrayList<>();
        for (var e : after.entrySet()) {
            JsonNode was = before.get(e.getKey());
            if (was == null) {
                out.add(new RuleChange(rc, e.getKey(), d.rule(rc, e.getValue()), Change.ADDED, List.of()));
            } else {
                List<FieldChange> f = fields(rc, was, e.getValue(), d, List.of());
                if (!f.isEmpty()) out.add(new RuleChange(rc, e.getKey(), d.rule(rc, e.getValue()), Change.CHANGED, f));
            }
        }
        for (var e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                out.add(new RuleChange(rc, e.getKey(), d.rule(rc, e.getValue()), Change.REMOVED, List.of()));
            }
        }
        return out;
    }

    /** The fields (other than bookkeeping and {@code skip}) whose values differ, in the draft's field order. */
    static List<FieldChange> fields(String collection, JsonNode active, JsonNode draft, Describe d, List<String> skip) {
        Set<String> names = new LinkedHashSet<>();
        draft.fieldNames().forEachRemaining(names::add);
        active.fieldNames().forEachRemaining(names::add);
        List<FieldChange> out = new ArrayList<>();
        for (String f : names) {
            if (BOOKKEEPING.contains(f) || skip.contains(f)) continue;
            JsonNode was = active.path(f);
            JsonNode now = draft.path(f);
            if (same(was, now)) continue;
            out.add(new FieldChange(f, d.value(collection, f, was), d.value(collection, f, now)));
        }
        return out;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (absent(a) && absent(b)) return true;
        return a.equals(b);
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() || (n.isContainerNode() && n.isEmpty());
    }

    private static Map<String, JsonNode> byHref(JsonNode rules) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (rules != null && rules.isArray()) {
            int i = 0;
            for (JsonNode r : rules) {
                // a rule without an href cannot be matched: it is its own entry
                String h = r.path("href").asText("");
                out.put(h.isEmpty() ? "#" + i : h, r);
                i++;
            }
        }
        return out;
    }

    private static String name(JsonNode n, String href) {
        if (n == null) return href;
        String name = n.path("name").asText("");
        return name.isEmpty() ? href : name;
    }

    /** The object with every href in the draft's form; null for null or a missing node. */
    static JsonNode normalized(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return null;
        String text = n.toString();
        if (!VERSION.matcher(text).find()) return n;
        try {
            return JSON.readTree(VERSION.matcher(text).replaceAll("/sec_policy/draft/"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read a JSON tree: " + e.getMessage(), e);
        }
    }

    static String norm(String href) {
        return href == null ? "" : VERSION.matcher(href).replaceAll("/sec_policy/draft/");
    }
}
