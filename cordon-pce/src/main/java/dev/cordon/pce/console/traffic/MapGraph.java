package dev.cordon.pce.console.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Map's model: workloads grouped by the values of the chosen label keys (a group per combination seen, "no
 * env" where a workload has no label of a key), addresses outside every workload grouped by their IP list, and one
 * link per (source group, destination group) with its connections per decision, reported and under the draft, its
 * services and deciding rules. A flow both ends reported is counted once, as its destination decided it (the
 * source's record only counts when the destination is no managed workload), so a link's numbers are connections,
 * not reports.
 */
final class MapGraph {
    static final List<String> SEVERITY = List.of("blocked", "potentially_blocked", "allowed", "unknown");

    /** One group: its id, its labels (key → label), its workloads (href → name) and their enforcement modes. */
    static final class Group {
        final String id;
        final String title;
        final boolean external;
        final Map<String, FlowRow.Label> labels = new LinkedHashMap<>();
        final Map<String, String> workloads = new TreeMap<>();
        final Map<String, Integer> modes = new TreeMap<>();

        Group(String id, String title, boolean external) {
            this.id = id;
            this.title = title;
            this.external = external;
        }

        /** "full", or "mixed: 2 full, 1 visibility only". */
        String mode() {
            if (external) return "outside";
            if (modes.isEmpty()) return "no workloads now";
            if (modes.size() == 1) return modes.keySet().iterator().next();
            List<String> parts = new ArrayList<>();
            modes.forEach((m, n) -> parts.add(n + " " + m.replace('_', ' ')));
            return "mixed: " + String.join(", ", parts);
        }
    }

    /** One link between two groups. */
    static final class Link {
        final String src;
        final String dst;
        final Map<String, Long> reported = new LinkedHashMap<>();
        final Map<String, Long> draft = new LinkedHashMap<>();
        final Map<String, long[]> services = new TreeMap<>();
        final Set<String> rules = new LinkedHashSet<>();
        final Set<String> draftRules = new LinkedHashSet<>();
        long flows;

        Link(String src, String dst) {
            this.src = src;
            this.dst = dst;
        }

        String id() {
            return src + "→" + dst;
        }

        /** The most severe decision any of its connections got (blocked, potentially blocked, allowed, unknown). */
        String decision(boolean draftView) {
            Map<String, Long> m = draftView ? draft : reported;
            for (String d : SEVERITY) if (m.getOrDefault(d, 0L) > 0) return d;
            return "unknown";
        }

        long connections() {
            return reported.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    final List<String> keys;
    final Map<String, Group> groups = new LinkedHashMap<>();
    final Map<String, Link> links = new LinkedHashMap<>();

    private MapGraph(List<String> keys) {
        this.keys = keys;
    }

    /**
     * Groups the workloads ({@code GET /workloads}; {@code labelsByHref} names their labels) and adds the flows.
     */
    static MapGraph of(List<String> keys, List<JsonNode> workloads, Map<String, JsonNode> labelsByHref) {
        MapGraph g = new MapGraph(keys);
        for (JsonNode w : workloads) {
            List<FlowRow.Label> labels = new ArrayList<>();
            for (JsonNode ref : w.path("labels")) {
                JsonNode l = labelsByHref.get(ref.path("href").asText());
                if (l != null) labels.add(new FlowRow.Label(l.path("href").asText(), l.path("key").asText(), l.path("value").asText()));
            }
            Group grp = g.group(labels);
            String name = w.path("name").asText("");
            grp.workloads.put(w.path("href").asText(), name.isEmpty() ? w.path("hostname").asText() : name);
            String mode = w.path("managed").asBoolean(w.has("ven")) ? w.path("enforcement_mode").asText("idle") : "unmanaged";
            grp.modes.merge(mode, 1, Integer::sum);
        }
        return g;
    }

    /** Adds one flow record (see the class comment for which end's record counts). */
    void add(FlowRow f) {
        boolean dstManaged = f.dst().isWorkload() && !"unmanaged".equals(f.dst().mode());
        if (f.direction().equals("outbound") && dstManaged) return;
        Group s = end(f.src());
        Group d = end(f.dst());
        Link l = links.computeIfAbsent(s.id + "→" + d.id, k -> new Link(s.id, d.id));
        l.flows++;
        l.reported.merge(f.decision(), f.connections(), Long::sum);
        l.draft.merge(f.decision(true), f.connections(), Long::sum);
        long[] c = l.services.computeIfAbsent(f.service(), k -> new long[4]);
        c[SEVERITY.indexOf(SEVERITY.contains(f.decision()) ? f.decision() : "unknown")] += f.connections();
        if (f.rule() != null) l.rules.add(ExplorerView.toDraft(f.rule()));
        if (f.draftRule() != null) l.draftRules.add(f.draftRule());
    }

    private Group end(FlowRow.End e) {
        if (e.isWorkload()) return group(e.labels());
        String list = e.ipLists().stream().filter(n -> !n.startsWith("Any (")).findFirst().orElse(null);
        String id = list == null ? "ext" : "ipl:" + list;
        return groups.computeIfAbsent(id, k -> new Group(k, list == null ? "Outside addresses" : "IP list " + list, true));
    }

    private Group group(List<FlowRow.Label> labels) {
        StringBuilder id = new StringBuilder("g");
        List<String> title = new ArrayList<>();
        Map<String, FlowRow.Label> chosen = new LinkedHashMap<>();
        for (String k : keys) {
            FlowRow.Label l = labels.stream().filter(x -> x.key().equals(k)).findFirst().orElse(null);
            id.append('|').append(l == null ? "" : l.href());
            title.add(l == null ? "no " + k : l.text());
            if (l != null) chosen.put(k, l);
        }
        return groups.computeIfAbsent(id.toString(), k -> {
            Group grp = new Group(k, String.join(" · ", title), false);
            grp.labels.putAll(chosen);
            return grp;
        });
    }

    /** The graph as Cytoscape elements: groups (with workload count and mode) that have workloads or links, then links. */
    ArrayNode elements(boolean draftView) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        Set<String> linked = new LinkedHashSet<>();
        links.values().forEach(l -> {
            linked.add(l.src);
            linked.add(l.dst);
        });
        for (Group grp : groups.values()) {
            if (grp.workloads.isEmpty() && !linked.contains(grp.id)) continue;
            ObjectNode d = out.addObject().putObject("data");
            d.put("id", grp.id).put("title", grp.title).put("workloads", grp.workloads.size()).put("mode", modeClass(grp))
                    .put("modeText", grp.mode().replace('_', ' ')).put("external", grp.external)
                    .put("label", grp.external ? grp.title : grp.title + "\n" + grp.workloads.size() + " workloads · "
                            + grp.mode().replace('_', ' '));
        }
        for (Link l : links.values()) {
            ObjectNode d = out.addObject().putObject("data");
            d.put("id", l.id()).put("source", l.src).put("target", l.dst).put("decision", l.decision(draftView))
                    .put("connections", l.connections()).put("label", Long.toString(l.connections()));
        }
        return out;
    }

    /** The node's style class: full, selective, visibility_only, idle, unmanaged, mixed, outside. */
    static String modeClass(Group g) {
        if (g.external) return "outside";
        if (g.modes.size() == 1) return g.modes.keySet().iterator().next();
        return g.modes.isEmpty() ? "unmanaged" : "mixed";
    }

    /** Links in or out of a group, busiest first. */
    List<Link> linksOf(String group) {
        return links.values().stream().filter(l -> l.src.equals(group) || l.dst.equals(group))
                .sorted(Comparator.comparingLong(Link::connections).reversed()).toList();
    }
}
