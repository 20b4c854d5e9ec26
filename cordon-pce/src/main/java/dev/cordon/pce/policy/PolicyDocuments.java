package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.PolicyVersion;
import dev.cordon.pce.store.ParsedRows;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The policy documents assembled from the store (SPEC §4): the draft is the set of versioned objects in their draft
 * form; each provisioned version is an immutable snapshot of them (label groups, IP lists, services, rule sets,
 * firewall settings), stored whole. Labels and workloads are not versioned: every document an engine sees is a
 * snapshot (or the draft) plus the live labels and workloads, rules' references to set-aside workloads left out.
 *
 * <p>Threads: any request thread, inside a write transaction or not. {@code snapshots} and {@code parsed} are caches
 * keyed by content that never goes stale (a version never changes; a parsed workload is kept with the stored text
 * it came from), so concurrent fills race harmlessly.
 */
public final class PolicyDocuments {
    private final Store store;
    private final SetAside setAside;
    private final ActiveVersions versions;
    private final Map<Long, PolicyDocument> snapshots = new ConcurrentHashMap<>();
    /**
     * Live workloads as parsed, by href, with the stored text they came from: a row whose text did not change is not
     * parsed again. Every provision and every engine rebuild reads all live workloads, and parsing 10,000 of them
     * took ~100 ms; comparing the text is cheap.
     */
    private final Map<String, ParsedWorkload> parsed = new ConcurrentHashMap<>();
    private final ParsedRows<Label> labels = new ParsedRows<>(b -> Json.convert(Json.parse(b), Label.class, "label"));

    /** {@code workload} is null for one {@link SetAside} (the engine cannot compile it). */
    private record ParsedWorkload(String text, Workload workload) {}

    public PolicyDocuments(Store store, SetAside setAside, ActiveVersions versions) {
        this.store = store;
        this.setAside = setAside;
        this.versions = versions;
    }

    /** Which live workloads are left out of compilation, and why. */
    public SetAside setAside() {
        return setAside;
    }

    /** The draft's versioned objects (no labels or workloads). */
    public PolicyDocument draftVersioned(int org) {
        return fromTrees(draftTrees(org));
    }

    /** The draft's versioned objects as stored, per kind by href. */
    Map<Kind, Map<String, ObjectNode>> draftTrees(int org) {
        Map<Kind, Map<String, ObjectNode>> out = new LinkedHashMap<>();
        for (Kind k : Kind.VERSIONED) {
            Map<String, ObjectNode> m = new TreeMap<>();
            for (Row r : store.objects().all(org, k.kind())) m.put(r.href(), (ObjectNode) Json.parse(r.body()));
            out.put(k, m);
        }
        return out;
    }

    static Map<Kind, Map<String, ObjectNode>> trees(PolicyDocument d) {
        Map<Kind, Map<String, ObjectNode>> out = new LinkedHashMap<>();
        for (Kind k : Kind.VERSIONED) out.put(k, new TreeMap<>());
        for (LabelGroup g : d.labelGroupsOrEmpty()) out.get(Kind.LABEL_GROUP).put(g.href(), Json.tree(g));
        for (IpList l : d.ipListsOrEmpty()) out.get(Kind.IP_LIST).put(l.href(), Json.tree(l));
        for (Service s : d.servicesOrEmpty()) out.get(Kind.SERVICE).put(s.href(), Json.tree(s));
        for (RuleSet r : d.ruleSetsOrEmpty()) out.get(Kind.RULE_SET).put(r.href(), Json.tree(r));
        for (var v : d.virtualServicesOrEmpty()) out.get(Kind.VIRTUAL_SERVICE).put(v.href(), Json.tree(v));
        if (d.firewallSettings() != null) {
            out.get(Kind.FIREWALL_SETTINGS).put(d.firewallSettings().href(), Json.tree(d.firewallSettings()));
        }
        return out;
    }

    static PolicyDocument fromTrees(Map<Kind, Map<String, ObjectNode>> t) {
        List<LabelGroup> groups = t.get(Kind.LABEL_GROUP).values().stream().map(n -> Json.convert(n, LabelGroup.class, "label group")).toList();
        List<IpList> ipLists = t.get(Kind.IP_LIST).values().stream().map(n -> Json.convert(n, IpList.class, "IP list")).toList();
        List<Service> services = t.get(Kind.SERVICE).values().stream().map(n -> Json.convert(n, Service.class, "service")).toList();
        List<RuleSet> ruleSets = t.get(Kind.RULE_SET).values().stream().map(n -> Json.convert(n, RuleSet.class, "rule set")).toList();
        FirewallSettings fs = t.get(Kind.FIREWALL_SETTINGS).values().stream().findFirst()
                .map(n -> Json.convert(n, FirewallSettings.class, "firewall settings")).orElse(null);
        return new PolicyDocument(null, groups, null, ipLists, services, ruleSets, fs).withVirtualServices(t.get(Kind.VIRTUAL_SERVICE)
                .values().stream().map(n -> Json.convert(n, dev.cordon.policy.model.VirtualService.class, "virtual service")).toList());
    }

    public List<Label> liveLabels(int org) {
        return labels.of(org, store.objects().all(org, Kind.LABEL.kind()));
    }

    /** Live workloads as the engine sees them: without the computed, read-only fields, and without set-aside ones. */
    public List<Workload> liveWorkloads(int org) {
        List<Workload> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, Label> labels = new HashMap<>();
        for (Row r : store.objects().all(org, Kind.WORKLOAD.kind())) {
            ParsedWorkload p = parsed.get(r.href());
            if (p == null || !p.text().equals(r.body())) {
                if (labels.isEmpty()) liveLabels(org).forEach(l -> labels.put(l.href(), l));
                // a workload the engine cannot compile is left out (with an event), never a 406 for the whole org
                JsonNode stored = Json.parse(r.body());
                SetAside.Verdict v = setAside.verdict(org, r.href(), stored, labels::get);
                p = new ParsedWorkload(r.body(), dev.cordon.pce.core.Workloads.inPolicy(stored, v.workload())); // offline: no addresses
                parsed.put(r.href(), p);
            }
            if (p.workload() != null) out.add(p.workload());
            seen.add(r.href());
        }
        String prefix = "/orgs/" + org + "/";
        parsed.keySet().removeIf(href -> href.startsWith(prefix) && !seen.contains(href)); // deleted ones
        setAside.retain(org, seen);
        return out;
    }

    PolicyDocument withLive(int org, PolicyDocument versioned) {
        return withLive(org, versioned, liveLabels(org), liveWorkloads(org));
    }

    /** The document with these live labels and workloads, rules' references to set-aside workloads left out. */
    PolicyDocument withLive(int org, PolicyDocument versioned, List<Label> labels, List<Workload> workloads) {
        return SetAside.withoutReferencesTo(LiveBindings.with(store, org, versioned.withLabels(labels).withWorkloads(workloads)),
                setAside.excluded(org));
    }

    /** The versioned objects of version N (cached; versions never change). */
    public PolicyDocument snapshot(int org, long version) {
        PolicyDocument d = snapshots.get(version * 1000 + org);
        if (d != null) return d;
        PolicyVersion v = store.versions().get(org, version)
                .orElseThrow(() -> ApiException.notFound("No policy version " + version + " in org " + org + "."));
        d = Json.convert(Json.parse(v.document()), PolicyDocument.class, "policy version " + version);
        snapshots.put(version * 1000 + org, d);
        return d;
    }

    public PolicyDocument activeSnapshot(int org) {
        return snapshot(org, versions.active(org));
    }

    /** Parses {@code active} or a version number; 404 for versions that do not exist. */
    public long resolveVersion(int org, String pversion) {
        return versions.resolve(org, pversion);
    }

    /** The whole document (with live labels and workloads) of draft, active or version N. */
    public PolicyDocument document(int org, String pversion) {
        if (pversion.equals("draft")) return withLive(org, draftVersioned(org));
        return withLive(org, snapshot(org, resolveVersion(org, pversion)));
    }
}
