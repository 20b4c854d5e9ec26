package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Pick;
import dev.cordon.pce.console.infra.Picks;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.Ports;
import dev.cordon.pce.console.infra.Req;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Explorer form (a GET query string) as an Explorer API query body. Each side (sources, destinations, and
 * what either excludes) holds picks — labels, label groups, workloads, IP lists, addresses — chosen in the picker
 * ({@code src=label:/orgs/1/labels/3}) or typed without JavaScript ({@code src_q=role=web, 10.0.0.5, web-1}), which
 * are looked up here by exact name through the API. Labels of different keys must all match (role=web AND env=prod),
 * anything else on a side is any-of, as in Illumio's Explorer. Services use the console's short form
 * ({@code tcp/443, udp/53}); the time range is a preset or from/to in RFC 3339. What the API refuses is shown beside
 * the field it concerns.
 */
final class FlowFilters {
    static final List<String> SIDES = List.of("src", "dst", "xsrc", "xdst");
    static final List<String> DECISIONS = List.of("allowed", "potentially_blocked", "blocked", "unknown");
    static final Map<String, Duration> RANGES = rangeMap();
    static final List<Field> FIELDS = List.of(Field.of("xsrc", "sources.exclude"), Field.of("xdst", "destinations.exclude"),
            Field.of("src", "sources"), Field.of("dst", "destinations"), Field.of("services", "services"),
            Field.of("decision", "policy_decisions"), Field.of("to", "end_date"), Field.of("from", "start_date"));
    private static final Pattern IP = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    final Form form;
    final Map<String, List<Pick>> picks = new LinkedHashMap<>();
    final List<String> decisions;
    final String range;
    final String start;
    final String end;

    private FlowFilters(Form form, List<String> decisions, String range, String start, String end) {
        this.form = form;
        this.decisions = decisions;
        this.range = range;
        this.start = start;
        this.end = end;
    }

    /** The end of a preset range: the end of the current minute. */
    static Instant window(Instant now) {
        return now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
    }

    /** Reads the form; unknown typed names are put beside their field (the query is not run then). */
    static FlowFilters read(Req r, Instant now) {
        Map<String, List<String>> q = r.ctx.queryParamMap();
        Form f = new Form("explorer", q);
        List<String> decisions = new ArrayList<>();
        for (String d : q.getOrDefault("decision", List.of())) if (DECISIONS.contains(d) && !decisions.contains(d)) decisions.add(d);
        String range = f.value("range").isEmpty() ? "24h" : f.value("range");
        String start;
        String end;
        if (range.equals("custom")) {
            start = f.value("from");
            end = f.value("to").isEmpty() ? now.truncatedTo(ChronoUnit.SECONDS).toString() : f.value("to");
            if (start.isEmpty()) f.error("from", "Give the start of the range in RFC 3339, e.g. 2026-01-01T00:00:00Z.");
        } else {
            // whole minutes, so the same preset within a minute is the same query (its answer is reused for paging)
            Instant to = window(now);
            end = to.toString();
            start = to.minus(RANGES.getOrDefault(range, Duration.ofHours(24))).toString();
        }
        FlowFilters ff = new FlowFilters(f, decisions, range, start, end);
        for (String side : SIDES) ff.picks.put(side, ff.resolve(r, side, q));
        return ff;
    }

    /** The picks of one side: the picker's tokens, then the typed terms looked up by name. */
    private List<Pick> resolve(Req r, String side, Map<String, List<String>> q) {
        List<Pick> out = new ArrayList<>();
        for (String token : q.getOrDefault(side, List.of())) {
            Pick p = Picks.ofToken(r, token);
            if (p == null) form.error(side, "'" + token + "' is not something to filter by: pick a label, label group,"
                    + " workload, IP list or address.");
            else if (out.stream().noneMatch(o -> o.token().equals(p.token()))) out.add(p);
        }
        String typed = form.value(side + "_q");
        for (String raw : typed.split(",")) {
            String term = raw.trim();
            if (term.isEmpty()) continue;
            Pick p = lookup(r, term);
            if (p == null) {
                form.error(side, "No label, label group, workload or IP list is named '" + term + "': write labels as"
                        + " key=value (role=web), workloads and IP lists by their exact name, or an IP address.");
            } else if (out.stream().noneMatch(o -> o.token().equals(p.token()))) {
                out.add(p);
            }
        }
        return out;
    }

    /** A typed term: key=value is a label, an address an IP, else an exact workload, IP list or label group name. */
    private static Pick lookup(Req r, String term) {
        if (IP.matcher(term).matches()) return new Pick("ip:" + term, "ip", term, "ip");
        int eq = term.indexOf('=');
        if (eq > 0) {
            String key = term.substring(0, eq).trim();
            String value = term.substring(eq + 1).trim();
            for (JsonNode l : found(r, r.org("/labels" + ApiClient.query(Map.of("key", key, "value", value, "max_results", "500"))))) {
                if (l.path("value").asText().equals(value)) return Picks.label(l);
            }
            return null;
        }
        for (JsonNode w : found(r, r.org("/workloads" + ApiClient.query(Map.of("name", term, "max_results", "500"))))) {
            if (w.path("name").asText().equals(term)) return Picks.workload(w);
        }
        for (JsonNode w : found(r, r.org("/workloads" + ApiClient.query(Map.of("hostname", term, "max_results", "500"))))) {
            if (w.path("hostname").asText().equals(term)) return Picks.workload(w);
        }
        for (JsonNode l : found(r, r.draft("/ip_lists" + ApiClient.query(Map.of("name", term, "max_results", "500"))))) {
            if (l.path("name").asText().equals(term)) return new Pick("ip_list:" + l.path("href").asText(), "ip_list", term, "ip_list");
        }
        for (JsonNode g : found(r, r.draft("/label_groups" + ApiClient.query(Map.of("name", term, "max_results", "500"))))) {
            if (g.path("name").asText().equals(term)) return new Pick("label_group:" + g.path("href").asText(), "label_group", term, "label_group");
        }
        return null;
    }

    private static List<JsonNode> found(Req r, String path) {
        Response resp = r.api.get(r.key(), path);
        return resp.ok() ? resp.items() : List.of();
    }

    /** The query body for the API (without draft_policy_decision, which the runner sets). */
    ObjectNode query(long maxResults) {
        ObjectNode q = TrafficRuns.window(start, end, maxResults);
        q.put("query_name", "console explorer");
        q.withObject("/sources").set("include", include(picks.get("src")));
        q.withObject("/sources").set("exclude", exclude(picks.get("xsrc")));
        q.withObject("/destinations").set("include", include(picks.get("dst")));
        q.withObject("/destinations").set("exclude", exclude(picks.get("xdst")));
        try {
            q.withObject("/services").set("include", services(Ports.parse(form.value("services"))));
        } catch (Ports.Unreadable e) {
            form.error("services", e.getMessage());
        }
        ArrayNode pd = q.putArray("policy_decisions");
        decisions.forEach(pd::add);
        return q;
    }

    /** OR of ANDs: every combination of one label per key (keys AND, values of a key OR), and each other pick alone. */
    private static ArrayNode include(List<Pick> side) {
        ArrayNode out = ApiClient.array();
        Map<String, List<Pick>> byKey = new LinkedHashMap<>();
        for (Pick p : side) {
            if (p.kind().equals("label")) byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
            else out.addArray().add(filter(p));
        }
        List<List<Pick>> combos = new ArrayList<>();
        if (!byKey.isEmpty()) combos.add(List.of());
        for (List<Pick> values : byKey.values()) {
            List<List<Pick>> next = new ArrayList<>();
            for (List<Pick> c : combos) {
                for (Pick v : values) {
                    List<Pick> n = new ArrayList<>(c);
                    n.add(v);
                    next.add(n);
                }
            }
            combos = next;
        }
        for (List<Pick> c : combos) {
            ArrayNode and = out.addArray();
            c.forEach(p -> and.add(filter(p)));
        }
        if (out.isEmpty()) out.addArray();
        return out;
    }

    private static ArrayNode exclude(List<Pick> side) {
        ArrayNode out = ApiClient.array();
        side.forEach(p -> out.add(filter(p)));
        return out;
    }

    private static ObjectNode filter(Pick p) {
        ObjectNode f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (p.kind().equals("ip")) f.put("ip_address", p.value());
        else f.putObject(p.kind()).put("href", p.value());
        return f;
    }

    /** The console's ports as the Explorer's services: "all" is any protocol. */
    private static ArrayNode services(ArrayNode ports) {
        ArrayNode out = ApiClient.array();
        for (JsonNode p : ports) {
            ObjectNode s = out.addObject();
            if (p.path("proto").asInt() >= 0) s.put("proto", p.path("proto").asInt());
            if (p.has("port")) s.put("port", p.path("port").asInt());
            if (p.has("to_port")) s.put("to_port", p.path("to_port").asInt());
        }
        return out;
    }

    /** The form as a query string without the view parameters (sort, page): the key of a cached answer. */
    String key() {
        StringBuilder sb = new StringBuilder(start).append('|').append(end);
        picks.forEach((k, v) -> sb.append('|').append(k).append('=').append(String.join(",", v.stream().map(Pick::token).toList())));
        sb.append('|').append(form.value("services")).append('|').append(decisions);
        return sb.toString();
    }

    /** The filter parameters as a query string (for sort and page links, CSV export, Map links). */
    String params() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        picks.forEach((k, v) -> out.put(k, v.stream().map(Pick::token).toList()));
        out.put("services", List.of(form.value("services")));
        out.put("decision", decisions);
        out.put("range", List.of(range));
        if (range.equals("custom")) {
            out.put("from", List.of(form.value("from")));
            out.put("to", List.of(form.value("to")));
        }
        StringBuilder sb = new StringBuilder();
        out.forEach((k, vs) -> {
            for (String v : vs) {
                if (v == null || v.isBlank()) continue;
                sb.append(sb.length() == 0 ? "" : "&").append(ApiClient.enc(k)).append('=').append(ApiClient.enc(v));
            }
        });
        return sb.toString();
    }

    private static Map<String, Duration> rangeMap() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1h", Duration.ofHours(1));
        m.put("24h", Duration.ofHours(24));
        m.put("7d", Duration.ofDays(7));
        m.put("30d", Duration.ofDays(30));
        m.put("90d", Duration.ofDays(90));
        return m;
    }
}
