package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.ApiClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What the Map templates show: the Cytoscape elements, the groups and links as rows, and one group's or link's panel. */
public final class MapView {
    /** A group as a row. */
    public record GroupRow(String id, String title, int workloads, String mode, String modeClass, boolean external,
                           List<String[]> members, String flowsFrom, String flowsTo) {}

    /** A link as a row: its ends' titles, decision of the view, connections per decision and per service, rules. */
    public record LinkRow(String id, String srcTitle, String dstTitle, String decision, long connections,
                          List<String[]> byDecision, List<String[]> byDecisionDraft, List<String[]> services,
                          List<String> rules, List<String> draftRules, String flows) {}

    private final MapGraph graph;
    private final List<String> keys;
    private final List<String> allKeys;
    private final String range;
    private final boolean draft;
    private final String start;
    private final String end;
    private final String error;

    MapView(MapGraph graph, List<String> keys, List<String> allKeys, String range, boolean draft, String start,
            String end, String error) {
        this.graph = graph;
        this.keys = keys;
        this.allKeys = allKeys;
        this.range = range;
        this.draft = draft;
        this.start = start;
        this.end = end;
        this.error = error;
    }

    public String elements() {
        return graph.elements(draft).toString();
    }

    public List<String> keys() {
        return keys;
    }

    public List<String> allKeys() {
        return allKeys;
    }

    public boolean keyChosen(String k) {
        return keys.contains(k);
    }

    public String range() {
        return range;
    }

    public boolean draft() {
        return draft;
    }

    public String start() {
        return start;
    }

    public String end() {
        return end;
    }

    public String error() {
        return error;
    }

    /** The page's parameters (keys, range, view) as a query string. */
    public String params() {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) sb.append(sb.length() == 0 ? "" : "&").append("key=").append(ApiClient.enc(k));
        sb.append("&range=").append(range).append("&view=").append(draft ? "draft" : "reported");
        return sb.toString();
    }

    public String groupPanel(String id) {
        return "/console/map/panel?" + params() + "&group=" + ApiClient.enc(id);
    }

    public String linkPanel(String id) {
        return "/console/map/panel?" + params() + "&link=" + ApiClient.enc(id);
    }

    public List<GroupRow> groups() {
        List<GroupRow> out = new ArrayList<>();
        java.util.Set<String> linked = new java.util.HashSet<>();
        graph.links.values().forEach(l -> {
            linked.add(l.src);
            linked.add(l.dst);
        });
        for (MapGraph.Group g : graph.groups.values()) {
            if (g.workloads.isEmpty() && !linked.contains(g.id)) continue;
            out.add(row(g));
        }
        out.sort(Comparator.comparing(GroupRow::external).thenComparing(GroupRow::title));
        return out;
    }

    private GroupRow row(MapGraph.Group g) {
        List<String[]> members = new ArrayList<>();
        g.workloads.forEach((href, name) -> members.add(new String[] {name, ExplorerView.workloadLink(href)}));
        members.sort(Comparator.comparing(m -> m[0]));
        // a group of no label (no app, no env) cannot be written as an Explorer filter: it gets no Explorer link
        boolean filterable = !g.external && !g.labels.isEmpty();
        String from = filterable ? "/console/traffic?range=" + range + sides(g, "src") : null;
        String to = filterable ? "/console/traffic?range=" + range + sides(g, "dst") : null;
        return new GroupRow(g.id, g.title, g.workloads.size(), g.mode().replace('_', ' '), MapGraph.modeClass(g), g.external,
                members, from, to);
    }

    public List<LinkRow> links() {
        return graph.links.values().stream().sorted(Comparator.comparingLong(MapGraph.Link::connections).reversed())
                .map(this::row).toList();
    }

    private LinkRow row(MapGraph.Link l) {
        MapGraph.Group s = graph.groups.get(l.src);
        MapGraph.Group d = graph.groups.get(l.dst);
        List<String[]> services = new ArrayList<>();
        l.services.forEach((svc, c) -> {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < c.length; i++) if (c[i] > 0) parts.add(c[i] + " " + MapGraph.SEVERITY.get(i).replace('_', ' '));
            services.add(new String[] {svc, String.join(", ", parts)});
        });
        String flows = "/console/traffic?range=" + range + sides(s, "src") + sides(d, "dst");
        return new LinkRow(l.id(), s.title, d.title, l.decision(draft), l.connections(), counts(l.reported),
                counts(l.draft), services, List.copyOf(l.rules), List.copyOf(l.draftRules), flows);
    }

    private static String sides(MapGraph.Group g, String side) {
        StringBuilder sb = new StringBuilder();
        for (var l : g.labels.values()) sb.append('&').append(side).append('=').append(ApiClient.enc("label:" + l.href()));
        return sb.toString();
    }

    private static List<String[]> counts(Map<String, Long> m) {
        List<String[]> out = new ArrayList<>();
        for (String d : MapGraph.SEVERITY) if (m.getOrDefault(d, 0L) > 0) out.add(new String[] {d, Long.toString(m.get(d))});
        return out;
    }

    /** The connections of decision {@code d} in a link's counts, "" when none. */
    public static String count(List<String[]> counts, String d) {
        for (String[] c : counts) if (c[0].equals(d)) return c[1];
        return "";
    }

    public GroupRow group(String id) {
        MapGraph.Group g = id == null ? null : graph.groups.get(id);
        return g == null ? null : row(g);
    }

    public LinkRow link(String id) {
        MapGraph.Link l = id == null ? null : graph.links.get(id);
        return l == null ? null : row(l);
    }

    /** The links in or out of a group, busiest first. */
    public List<LinkRow> linksOf(String group) {
        return graph.linksOf(group).stream().map(this::row).toList();
    }

    public int groupCount() {
        return groups().size();
    }

    public int linkCount() {
        return graph.links.size();
    }
}
