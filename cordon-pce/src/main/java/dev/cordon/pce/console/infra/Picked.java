package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A posted picker field as the objects it names: the chosen pills ({@code field=kind:href}, sent by the picker) and
 * the terms typed in its text field ({@code field_q=role=web, web-1}), which is all a browser without JavaScript
 * sends. Typed terms are looked up by exact name through the API's filtered collections (so this costs the same at
 * any size); a term that names nothing is an error beside the field, and the terms that did resolve join the form's
 * pills so a page shown again keeps them.
 */
public final class Picked {
    private static final int LOOKUP = 500;
    /** What each picker offers (its {@code kinds}; the templates say the same). */
    public static final List<String> LABELS = List.of("label");
    public static final List<String> GROUPS = List.of("label_group");
    public static final List<String> SERVICES = List.of("service");
    public static final List<String> SCOPE = List.of("label", "label_group");
    public static final List<String> RECEIVERS = List.of("ams", "label", "label_group");
    public static final List<String> ACTORS = List.of("ams", "label", "label_group", "workload", "ip_list");

    private Picked() {}

    /** The field's tokens ({@code kind:href}, {@code ams}), pills first; unknown typed terms go to the form's errors. */
    public static List<String> tokens(Req r, Form f, String field, List<String> kinds) {
        List<String> out = new ArrayList<>();
        for (String t : f.values(field)) if (!t.isBlank() && !out.contains(t.trim())) out.add(t.trim());
        List<String> unknown = new ArrayList<>();
        for (String raw : f.value(field + "_q").split(",")) {
            String term = raw.trim();
            if (term.isEmpty()) continue;
            Pick p = lookup(r, term, kinds);
            if (p == null) unknown.add(term);
            else if (!out.contains(p.token())) out.add(p.token());
        }
        for (String term : unknown) {
            f.error(field, "Nothing is named '" + term + "': " + what(kinds) + " Pick from the list as you type, or"
                    + " write the exact name.");
        }
        f.set(field, out);
        f.set(field + "_q", List.of(String.join(", ", unknown)));
        return out;
    }

    /** The field's hrefs, for fields that hold one kind of object (a workload's labels, a group's sub-groups). */
    public static List<String> hrefs(Req r, Form f, String field, List<String> kinds) {
        List<String> out = new ArrayList<>();
        for (String t : tokens(r, f, field, kinds)) {
            int colon = t.indexOf(':');
            out.add(colon < 0 || t.startsWith("/") ? t : t.substring(colon + 1));
        }
        return out;
    }

    private static String what(List<String> kinds) {
        List<String> parts = new ArrayList<>();
        if (kinds.contains("label")) parts.add("write labels as key=value (role=web)");
        if (kinds.contains("ams")) parts.add("'All workloads' for every workload");
        List<String> named = new ArrayList<>();
        if (kinds.contains("label_group")) named.add("label groups");
        if (kinds.contains("workload")) named.add("workloads");
        if (kinds.contains("ip_list")) named.add("IP lists");
        if (kinds.contains("service")) named.add("services");
        if (!named.isEmpty()) parts.add(String.join(", ", named) + " by their exact name");
        if (kinds.contains("ip")) parts.add("an IP address as itself");
        return String.join("; ", parts) + ".";
    }

    /** A typed term: key=value is a label, else an exact name of one of the kinds the picker offers. */
    static Pick lookup(Req r, String term, List<String> kinds) {
        if (kinds.contains("ams") && (term.equalsIgnoreCase("all workloads") || term.equalsIgnoreCase("all"))) return Pick.ALL;
        if (kinds.contains("ip") && Picks.isAddress(term)) return new Pick("ip:" + term, "ip", term, "ip");
        int eq = term.indexOf('=');
        if (eq > 0 && kinds.contains("label")) {
            String key = term.substring(0, eq).trim();
            String value = term.substring(eq + 1).trim();
            for (JsonNode l : found(r, r.org("/labels" + ApiClient.query(Map.of("key", key, "value", value, "max_results", "" + LOOKUP))))) {
                if (l.path("value").asText().equals(value) && l.path("key").asText().equals(key)) return Picks.label(l);
            }
            return null;
        }
        if (kinds.contains("workload")) {
            for (String by : List.of("name", "hostname")) {
                for (JsonNode w : found(r, r.org("/workloads" + ApiClient.query(Map.of(by, term, "max_results", "" + LOOKUP))))) {
                    if (w.path(by).asText().equals(term)) return Picks.workload(w);
                }
            }
        }
        for (String kind : List.of("label_group", "ip_list", "service")) {
            if (!kinds.contains(kind)) continue;
            String collection = r.draft("/" + kind + "s");
            for (JsonNode n : found(r, collection + ApiClient.query(Map.of("name", term, "max_results", "" + LOOKUP)))) {
                if (n.path("name").asText().equals(term)) return new Pick(kind + ":" + n.path("href").asText(), kind, term, kind);
            }
        }
        return null;
    }

    private static List<JsonNode> found(Req r, String path) {
        Response resp = r.api.get(r.key(), path);
        return resp.ok() ? resp.items() : List.of();
    }

    /** The kinds a term may be, in the words of a picker's {@code kinds} attribute. */
    public static List<String> kinds(String commaSeparated) {
        return List.of(commaSeparated.toLowerCase(Locale.ROOT).split(","));
    }
}
