package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The type-ahead pickers' server side: {@code GET /console/pick?kinds=label,workload,...&field=src} (htmx sends the
 * picker's text field, {@code src_q}; {@code q=} works too) answers an htmx fragment, the listbox's options: at most
 * {@link #LIMIT} matches per kind, each searched by the API with its own filters ({@code value} of labels,
 * {@code name} of the rest, {@code key=value} for labels of one key), so a picker costs the same with 10 or 10,000
 * objects. A typed IP address is offered as itself, and "All workloads" when the picker offers it and the text
 * starts it.
 */
public final class Picks {
    static final int LIMIT = 8;
    private static final Pattern IP = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    /** The search answer: the options fragment ({@code tag/pick_options.jte}), empty when nothing was typed. */
    public void search(Req r) {
        String field = r.ctx.queryParam("field");
        String raw = field != null && r.ctx.queryParam(field + "_q") != null ? r.ctx.queryParam(field + "_q")
                : field != null && r.ctx.queryParam(field) != null ? r.ctx.queryParam(field) : r.ctx.queryParam("q");
        String q = raw == null ? "" : raw.trim();
        String kindsParam = r.ctx.queryParam("kinds");
        List<String> kinds = kindsParam == null || kindsParam.isBlank() ? Pick.KINDS : List.of(kindsParam.split(","));
        List<Pick> found = q.isEmpty() ? List.of() : find(r, q, kinds);
        // the listbox's id (the picker's, as several forms of a page may hold a field of the same name)
        String list = r.ctx.queryParam("list") != null ? r.ctx.queryParam("list") : field == null ? "picker" : field;
        if ("datalist".equals(r.ctx.queryParam("as"))) {
            // a plain text field's suggestions (policy check's From and To): the names as <option>s of a datalist
            r.html(200, Templates.render("tag/pick_datalist", Map.of("picks", found)));
            return;
        }
        r.html(200, Templates.render("tag/pick_options", Map.of("picks", found, "list", list + "-options", "searched", !q.isEmpty())));
    }

    /** At most {@link #LIMIT} matches of each kind for the text {@code q}. */
    public static List<Pick> find(Req r, String q, List<String> kinds) {
        List<Pick> found = new ArrayList<>();
        if (kinds.contains("ams") && "all workloads".startsWith(q.toLowerCase(Locale.ROOT))) found.add(Pick.ALL);
        if (kinds.contains("ip") && IP.matcher(q).matches()) found.add(new Pick("ip:" + q, "ip", q, "ip"));
        if (kinds.contains("label")) found.addAll(labels(r, q));
        if (kinds.contains("label_group")) found.addAll(named(r, r.draft("/label_groups"), "label_group", q));
        if (kinds.contains("workload")) found.addAll(workloads(r, q));
        if (kinds.contains("ip_list")) found.addAll(named(r, r.draft("/ip_lists"), "ip_list", q));
        if (kinds.contains("service")) found.addAll(named(r, r.draft("/services"), "service", q));
        return found;
    }

    static boolean isAddress(String s) {
        return IP.matcher(s).matches();
    }

    private static List<Pick> labels(Req r, String q) {
        Map<String, String> params = new LinkedHashMap<>();
        int eq = q.indexOf('=');
        if (eq > 0) {
            params.put("key", q.substring(0, eq).trim());
            params.put("value", q.substring(eq + 1).trim());
        } else {
            params.put("value", q);
        }
        params.put("max_results", Integer.toString(LIMIT));
        List<Pick> out = new ArrayList<>();
        for (JsonNode l : items(r, r.org("/labels" + ApiClient.query(params)))) out.add(label(l));
        if (eq < 0 && !q.isEmpty() && out.size() < LIMIT) {
            // "role" finds the labels of key role too
            for (JsonNode l : items(r, r.org("/labels" + ApiClient.query(Map.of("key", q, "max_results", Integer.toString(LIMIT)))))) {
                if (out.size() < LIMIT && out.stream().noneMatch(p -> p.value().equals(l.path("href").asText()))) out.add(label(l));
            }
        }
        return out;
    }

    private static List<Pick> workloads(Req r, String q) {
        List<Pick> out = new ArrayList<>();
        for (JsonNode w : items(r, r.org("/workloads" + ApiClient.query(Map.of("name", q, "max_results", Integer.toString(LIMIT)))))) {
            out.add(workload(w));
        }
        return out;
    }

    private static List<Pick> named(Req r, String collection, String kind, String q) {
        List<Pick> out = new ArrayList<>();
        for (JsonNode n : items(r, collection + ApiClient.query(Map.of("name", q, "max_results", Integer.toString(LIMIT))))) {
            out.add(new Pick(kind + ":" + n.path("href").asText(), kind, n.path("name").asText(), kind));
        }
        return out;
    }

    private static List<JsonNode> items(Req r, String path) {
        Response resp = r.api.get(r.key(), path);
        return resp.ok() ? resp.items() : List.of();
    }

    public static Pick label(JsonNode l) {
        String key = l.path("key").asText();
        return new Pick("label:" + l.path("href").asText(), "label", key + "=" + l.path("value").asText(), key);
    }

    public static Pick workload(JsonNode w) {
        String name = w.path("name").asText("");
        if (name.isEmpty()) name = w.path("hostname").asText(w.path("href").asText());
        return new Pick("workload:" + w.path("href").asText(), "workload", name, "workload");
    }

    /** A pick carried by a form ({@code kind:href}), named by reading the object through the API; null when unknown. */
    public static Pick ofToken(Req r, String token) {
        int colon = token.indexOf(':');
        if (token.equals(Pick.ALL.token())) return Pick.ALL;
        if (colon < 0) return null;
        String kind = token.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = token.substring(colon + 1);
        if (kind.equals("ip")) return IP.matcher(value).matches() ? new Pick(token, "ip", value, "ip") : null;
        if (!Pick.KINDS.contains(kind) && !kind.equals("service")) return null;
        String plural = kind.equals("label_group") ? "/label_groups/" : kind.equals("ip_list") ? "/ip_lists/" : "/" + kind + "s/";
        if (!value.startsWith("/orgs/") || !value.contains(plural)) return null;
        Response resp = r.api.get(r.key(), value);
        if (!resp.ok() || resp.body() == null || !resp.body().isObject()) return null;
        JsonNode n = resp.body();
        return switch (kind) {
            case "label" -> label(n);
            case "workload" -> workload(n);
            default -> new Pick(token, kind, n.path("name").asText(value), kind);
        };
    }
}
