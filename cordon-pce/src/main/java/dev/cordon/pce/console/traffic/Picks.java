package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The type-ahead pickers' server side: {@code GET /console/pick?kinds=label,workload,...&q=...} answers at most
 * {@link #LIMIT} matches per kind as JSON, each searched by the API with its own filters ({@code value} of labels,
 * {@code name} of the rest, {@code key=value} for labels of one key), so a picker costs the same with 10 or 10,000
 * objects. A typed IP address is offered as itself.
 */
public final class Picks {
    static final int LIMIT = 8;
    private static final Pattern IP = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    /** The search answer (JSON array of {token, kind, text, key, colour, prefix}). */
    public void search(Req r) {
        String q = r.ctx.queryParam("q") == null ? "" : r.ctx.queryParam("q").trim();
        String kindsParam = r.ctx.queryParam("kinds");
        List<String> kinds = kindsParam == null || kindsParam.isBlank() ? Pick.KINDS : List.of(kindsParam.split(","));
        List<Pick> found = new ArrayList<>();
        if (kinds.contains("ip") && IP.matcher(q).matches()) found.add(new Pick("ip:" + q, "ip", q, "ip"));
        if (kinds.contains("label")) found.addAll(labels(r, q));
        if (kinds.contains("label_group")) found.addAll(named(r, r.draft("/label_groups"), "label_group", q));
        if (kinds.contains("workload")) found.addAll(workloads(r, q));
        if (kinds.contains("ip_list")) found.addAll(named(r, r.draft("/ip_lists"), "ip_list", q));
        if (kinds.contains("service")) found.addAll(named(r, r.draft("/services"), "service", q));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Pick p : found) {
            out.addObject().put("token", p.token()).put("kind", p.kind()).put("text", p.text()).put("key", p.key())
                    .put("colour", p.colour()).put("prefix", p.prefix());
        }
        r.ctx.status(200).contentType("application/json").result(out.toString());
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

    static Pick label(JsonNode l) {
        String key = l.path("key").asText();
        return new Pick("label:" + l.path("href").asText(), "label", key + "=" + l.path("value").asText(), key);
    }

    static Pick workload(JsonNode w) {
        String name = w.path("name").asText("");
        if (name.isEmpty()) name = w.path("hostname").asText(w.path("href").asText());
        return new Pick("workload:" + w.path("href").asText(), "workload", name, "workload");
    }

    /** A pick carried by a form ({@code kind:href}), named by reading the object through the API; null when unknown. */
    static Pick ofToken(Req r, String token) {
        int colon = token.indexOf(':');
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
