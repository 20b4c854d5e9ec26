package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Traffic › Map: workloads grouped by the label keys the user picks (app and env unless chosen), the links between
 * groups coloured by decision (reported, or as the draft policy would decide), each group's enforcement mode, and a
 * panel with a group's or a link's flows and rules. Drawn in the browser by Cytoscape.js from the elements this
 * page computes; the same groups and links are listed as tables below the drawing.
 */
public final class TrafficMap {
    static final List<String> DEFAULT_KEYS = List.of("app", "env");
    private final Recent<MapGraph> graphs = new Recent<>();
    private final Clock clock;

    public TrafficMap(Clock clock) {
        this.clock = clock;
    }

    public void show(Req r) {
        MapView v = view(r);
        r.render("map", r.page("Map", "map").with("view", v));
    }

    /** The panel of one group ({@code group=ID}) or link ({@code link=ID}), as an htmx fragment. */
    public void panel(Req r) {
        MapView v = view(r);
        Page p = r.page("Map", "map").with("view", v).with("rules", new Rules(r, "draft"))
                .with("group", r.ctx.queryParam("group")).with("link", r.ctx.queryParam("link"));
        r.render("map_panel", p);
    }

    private MapView view(Req r) {
        List<String> keys = new ArrayList<>();
        for (String k : r.ctx.queryParams("key")) if (!k.isBlank() && !keys.contains(k.trim())) keys.add(k.trim());
        if (keys.isEmpty() && r.ctx.queryParam("keys") != null) {
            for (String k : r.ctx.queryParam("keys").split(",")) if (!k.isBlank() && !keys.contains(k.trim())) keys.add(k.trim());
        }
        if (keys.isEmpty()) keys.addAll(DEFAULT_KEYS);
        String range = r.ctx.queryParam("range") == null || !FlowFilters.RANGES.containsKey(r.ctx.queryParam("range"))
                ? "24h" : r.ctx.queryParam("range");
        boolean draft = "draft".equals(r.ctx.queryParam("view"));
        Instant end = FlowFilters.window(clock.instant());
        Instant start = end.minus(FlowFilters.RANGES.get(range));
        String cacheKey = String.join(",", keys) + "|" + start + "|" + end;
        MapGraph g = graphs.get(r.session.csrf, cacheKey);
        String error = null;
        TreeSet<String> allKeys = new TreeSet<>();
        Map<String, JsonNode> labels = new HashMap<>();
        for (JsonNode l : r.lookups.labels()) {
            labels.put(l.path("href").asText(), l);
            allKeys.add(l.path("key").asText());
        }
        if (g == null || r.ctx.queryParam("rerun") != null) {
            g = MapGraph.of(keys, r.list(r.org("/workloads?max_results=100000")), labels);
            MapGraph graph = g;
            try {
                TrafficRuns.run(r, TrafficRuns.window(start.toString(), end.toString(), Integer.MAX_VALUE), true,
                        n -> graph.add(FlowRow.of(n)));
                graphs.put(r.session.csrf, cacheKey, g);
            } catch (TrafficRuns.Refused e) {
                error = e.getMessage();
            }
        }
        allKeys.addAll(keys);
        return new MapView(g, keys, List.copyOf(allKeys), range, draft, start.toString(), end.toString(), error);
    }

    static Duration range(String r) {
        return FlowFilters.RANGES.getOrDefault(r, Duration.ofHours(24));
    }
}
