package dev.cordon.pce.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Refs;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.PolicyVersion;
import dev.cordon.pce.store.Row;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.CompiledOrg;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Draft, provision and versions (SPEC §4).
 *
 * <p>The draft is the set of versioned objects stored in their draft form. Each provisioned version is an immutable
 * snapshot of the versioned objects (label groups, IP lists, services, rule sets, firewall settings), stored whole;
 * "active" is the newest. Labels and workloads are not versioned: every document the engine sees is a snapshot (or
 * the draft) plus the live labels and workloads. Objects keep their draft hrefs inside snapshots; reads under
 * {@code sec_policy/active} or {@code sec_policy/N} rewrite {@code /sec_policy/draft/} to that version.
 *
 * <p>The active {@link Engine} is cached per (active version, live generation); the generation changes with every
 * label or workload write, so a VEN's policy follows workload changes without a provision. Listeners hear of every
 * change that may alter a compiled policy.
 *
 * <p>Several PCE nodes may share one PostgreSQL database: every change this node makes to the active version or to
 * labels and workloads is published to the others through the {@link Cluster}, and theirs arrive here, so every
 * node's cached active version and engine follow. Inside a write transaction the active version is read from the
 * database (under the cluster-wide write lock), never from the cache, so version numbers stay unique.
 */
public final class PolicyService {
    public static final String ANY_IP_LIST = IpList.ANY_NAME;
    private static final Pattern VERSION_SEGMENT = Pattern.compile("/sec_policy/(active|\\d+)/");
    private static final Set<String> SUBSET_KEYS = Set.of("rule_sets", "ip_lists", "services", "label_groups", "firewall_settings");

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final AtomicLong generation = new AtomicLong();
    /** The active version per org: read on every VEN poll, so kept in memory and dropped when it changes. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Long> activeVersions = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong versionStamp = new AtomicLong();
    private final Map<Long, PolicyDocument> snapshots = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile CachedEngine cached;
    private final DraftEngines draftEngines;
    private final Cluster cluster;
    /**
     * Live workloads as parsed, by href, with the stored text they came from: a row whose text did not change is not
     * parsed again. Every provision and every engine rebuild reads all live workloads, and parsing 10,000 of them
     * took ~100 ms; comparing the text is cheap. Keyed by content, so an entry is never stale, only unused.
     */
    private final Map<String, ParsedWorkload> parsedWorkloads = new ConcurrentHashMap<>();

    /** {@code workload} is null for one {@link SetAside} (the engine cannot compile it). */
    private record ParsedWorkload(String text, Workload workload) {}
    private final SetAside setAside;

    private record CachedEngine(int org, long version, long generation, Engine engine) {}

    public PolicyService(Store store, Events events, Clock clock) {
        this(store, events, clock, Cluster.local());
    }

    public PolicyService(Store store, Events events, Clock clock, Cluster cluster) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.cluster = cluster;
        this.setAside = new SetAside(store, events);
        this.draftEngines = new DraftEngines(new PolicyInputs(store));
        cluster.subscribe(this::changedElsewhere);
    }

    /** Another PCE node changed something: follow it as if the change had been made here. */
    private void changedElsewhere(Change c) {
        switch (c.type()) {
            case VERSION -> {
                activeVersionChanged();
                fire();
            }
            case LIVE -> {
                generation.incrementAndGet();
                fire();
            }
            case ALL -> {
                activeVersionChanged();
                generation.incrementAndGet();
                fire();
            }
            default -> { }
        }
    }

    /**
     * A safety net under the notifications: if the newest version in the database is not the one cached (a node
     * crashed between its commit and its NOTIFY), follow the database. Cheap: one query per cached org.
     */
    public void resyncActiveVersions() {
        boolean changed = false;
        for (var e : Map.copyOf(activeVersions).entrySet()) {
            if (store.versions().latest(e.getKey()) != e.getValue()) changed = true;
        }
        if (changed) {
            activeVersionChanged();
            fire();
        }
    }

    /** Called after every change that may alter compiled policy (provision, restore, label or workload write). */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    /** A label or workload changed: the active document changes without a new version. */
    public void liveChanged() {
        generation.incrementAndGet();
        fire();
        cluster.publish(Change.LIVE);
    }

    /** This node made a new active version (provision, restore): forget the cached one, here and on other nodes. */
    private void versionMade() {
        activeVersionChanged();
        cluster.publish(Change.VERSION);
    }

    private void fire() {
        for (Runnable r : listeners) r.run();
    }

    // ---- org bootstrap ----

    /** First start: org 1's built-ins (IP list Any, service All Services), empty firewall settings, version 1. */
    public void initOrg(int org, Principal by) {
        store.writeVoid(() -> {
            String now = Json.now(clock);
            String ipHref = Kind.IP_LIST.base(org) + "/" + store.counters().next(org, Kind.IP_LIST.kind());
            IpList any = new IpList(ipHref, ANY_IP_LIST, null, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0")),
                    null, null, null, now, now, dev.cordon.policy.model.Ref.of(by.href()),
                    dev.cordon.policy.model.Ref.of(by.href()));
            store.objects().put(org, Kind.IP_LIST.kind(), ipHref, Json.tree(any), null);
            String svcHref = Kind.SERVICE.base(org) + "/" + store.counters().next(org, Kind.SERVICE.kind());
            Service all = new Service(svcHref, Service.ALL_SERVICES_NAME, null, List.of(new ServicePort(-1, null, null, null, null)),
                    null, null, now, now, dev.cordon.policy.model.Ref.of(by.href()), dev.cordon.policy.model.Ref.of(by.href()));
            store.objects().put(org, Kind.SERVICE.kind(), svcHref, Json.tree(all), null);
            FirewallSettings fs = new FirewallSettings(settingsHref(org), List.of(), now, now,
                    dev.cordon.policy.model.Ref.of(by.href()), dev.cordon.policy.model.Ref.of(by.href()));
            store.objects().put(org, Kind.FIREWALL_SETTINGS.kind(), fs.href(), Json.tree(fs), null);
            PolicyDocument doc = draftVersioned(org);
            insertVersion(org, 1, "Initial policy: built-in IP list and service", by, 0, doc);
        });
    }

    public static String settingsHref(int org) {
        return "/orgs/" + org + "/sec_policy/draft/firewall_settings";
    }

    // ---- documents ----

    /** The draft's versioned objects (no labels or workloads). */
    public PolicyDocument draftVersioned(int org) {
        return fromTrees(draftTrees(org));
    }

    private Map<Kind, Map<String, ObjectNode>> draftTrees(int org) {
        Map<Kind, Map<String, ObjectNode>> out = new LinkedHashMap<>();
        for (Kind k : Kind.VERSIONED) {
            Map<String, ObjectNode> m = new TreeMap<>();
            for (Row r : store.objects().all(org, k.kind())) m.put(r.href(), (ObjectNode) Json.parse(r.body()));
            out.put(k, m);
        }
        return out;
    }

    private static Map<Kind, Map<String, ObjectNode>> trees(PolicyDocument d) {
        Map<Kind, Map<String, ObjectNode>> out = new LinkedHashMap<>();
        for (Kind k : Kind.VERSIONED) out.put(k, new TreeMap<>());
        for (LabelGroup g : d.labelGroupsOrEmpty()) out.get(Kind.LABEL_GROUP).put(g.href(), Json.tree(g));
        for (IpList l : d.ipListsOrEmpty()) out.get(Kind.IP_LIST).put(l.href(), Json.tree(l));
        for (Service s : d.servicesOrEmpty()) out.get(Kind.SERVICE).put(s.href(), Json.tree(s));
        for (RuleSet r : d.ruleSetsOrEmpty()) out.get(Kind.RULE_SET).put(r.href(), Json.tree(r));
        if (d.firewallSettings() != null) {
            out.get(Kind.FIREWALL_SETTINGS).put(d.firewallSettings().href(), Json.tree(d.firewallSettings()));
        }
        return out;
    }

    private static PolicyDocument fromTrees(Map<Kind, Map<String, ObjectNode>> t) {
        List<LabelGroup> groups = t.get(Kind.LABEL_GROUP).values().stream().map(n -> Json.convert(n, LabelGroup.class, "label group")).toList();
        List<IpList> ipLists = t.get(Kind.IP_LIST).values().stream().map(n -> Json.convert(n, IpList.class, "IP list")).toList();
        List<Service> services = t.get(Kind.SERVICE).values().stream().map(n -> Json.convert(n, Service.class, "service")).toList();
        List<RuleSet> ruleSets = t.get(Kind.RULE_SET).values().stream().map(n -> Json.convert(n, RuleSet.class, "rule set")).toList();
        FirewallSettings fs = t.get(Kind.FIREWALL_SETTINGS).values().stream().findFirst()
                .map(n -> Json.convert(n, FirewallSettings.class, "firewall settings")).orElse(null);
        return new PolicyDocument(null, groups, null, ipLists, services, ruleSets, fs);
    }

    public List<Label> liveLabels(int org) {
        return store.objects().all(org, Kind.LABEL.kind()).stream().map(r -> Json.convert(Json.parse(r.body()), Label.class, "label")).toList();
    }

    /** Which live workloads are left out of compilation, and why. */
    public SetAside setAside() {
        return setAside;
    }

    /** Live workloads as the engine sees them: without the computed, read-only fields, and without set-aside ones. */
    public List<Workload> liveWorkloads(int org) {
        List<Workload> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        Map<String, Label> labels = new HashMap<>();
        for (Row r : store.objects().all(org, Kind.WORKLOAD.kind())) {
            ParsedWorkload p = parsedWorkloads.get(r.href());
            if (p == null || !p.text().equals(r.body())) {
                if (labels.isEmpty()) liveLabels(org).forEach(l -> labels.put(l.href(), l));
                // a workload the engine cannot compile is left out (with an event), never a 406 for the whole org
                JsonNode stored = Json.parse(r.body());
                SetAside.Verdict v = setAside.verdict(org, r.href(), stored, labels::get);
                p = new ParsedWorkload(r.body(), dev.cordon.pce.core.Workloads.inPolicy(stored, v.workload())); // offline: no addresses
                parsedWorkloads.put(r.href(), p);
            }
            if (p.workload() != null) out.add(p.workload());
            seen.add(r.href());
        }
        String prefix = "/orgs/" + org + "/";
        parsedWorkloads.keySet().removeIf(href -> href.startsWith(prefix) && !seen.contains(href)); // deleted ones
        setAside.retain(org, seen);
        return out;
    }

    private PolicyDocument withLive(int org, PolicyDocument versioned) {
        return withLive(org, versioned, liveLabels(org), liveWorkloads(org));
    }

    /** The document with these live labels and workloads, rules' references to set-aside workloads left out. */
    private PolicyDocument withLive(int org, PolicyDocument versioned, List<Label> labels, List<Workload> workloads) {
        return SetAside.withoutReferencesTo(versioned.withLabels(labels).withWorkloads(workloads), setAside.excluded(org));
    }

    public long activeVersion(int org) {
        // under the cluster-wide write lock the database is the truth: another node may have provisioned just now
        if (store.inWrite()) return store.versions().latest(org);
        long stamp = versionStamp.get();
        Long cachedVersion = activeVersions.get(org);
        if (cachedVersion != null) return cachedVersion;
        long v = store.versions().latest(org);
        // cache only if no provision or restore finished meanwhile, so a racing reader never pins a stale version
        if (versionStamp.get() == stamp) activeVersions.putIfAbsent(org, v);
        return v;
    }

    /** Forgets the cached active versions after a provision or restore (or a NOTIFY from another PCE node). */
    public void activeVersionChanged() {
        versionStamp.incrementAndGet();
        activeVersions.clear();
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
        return snapshot(org, activeVersion(org));
    }

    /** Parses {@code draft}, {@code active} or a version number; 404 for versions that do not exist. */
    public long resolveVersion(int org, String pversion) {
        if (pversion.equals("active")) return activeVersion(org);
        try {
            long v = Long.parseLong(pversion);
            if (v < 1 || v > activeVersion(org)) {
                throw ApiException.notFound("No policy version " + pversion + ": versions run from 1 to "
                        + activeVersion(org) + " (or use draft or active).");
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.notFound("Unknown policy version '" + pversion + "': use draft, active or a version number.");
        }
    }

    /** The whole document (with live labels and workloads) of draft, active or version N. */
    public PolicyDocument document(int org, String pversion) {
        if (pversion.equals("draft")) return withLive(org, draftVersioned(org));
        return withLive(org, snapshot(org, resolveVersion(org, pversion)));
    }

    /** The engine of draft (cached), active (cached) or version N; an invalid draft is a 406 listing every error. */
    public Engine engine(int org, String pversion) {
        if (pversion.equals("active")) return activeEngine(org);
        if (pversion.equals("draft")) return draftEngines.get(org, () -> document(org, pversion), PolicyService::build);
        return build(document(org, pversion));
    }

    public Engine activeEngine(int org) {
        CachedEngine c = cached;
        long version = activeVersion(org);
        long gen = generation.get();
        if (c != null && c.org() == org && c.version() == version && c.generation() == gen) return c.engine();
        synchronized (this) {
            c = cached;
            if (c != null && c.org() == org && c.version() >= version && c.generation() >= gen) return c.engine();
            // build for the newest state, so that the requests that queued behind this one take this build
            long newestGen = generation.get();
            long newestVersion = activeVersion(org);
            // a label write moves the generation; one nothing refers to changes no answer (SameAnswers)
            Engine e = SameAnswers.reuseOrBuild(c == null || c.org() != org ? null : c.engine(),
                    withLive(org, snapshot(org, newestVersion)), PolicyService::build);
            cached = new CachedEngine(org, newestVersion, newestGen, e);
            return e;
        }
    }

    static Engine build(PolicyDocument doc) {
        try {
            return Engine.of(doc);
        } catch (PolicyException e) {
            throw ApiException.invalid(e.errors());
        }
    }

    /** Rewrites draft hrefs to the version a client asked for (active or N). */
    public static String rewrite(String json, String pversion) {
        if (pversion.equals("draft")) return json;
        return json.replace("/sec_policy/draft/", "/sec_policy/" + pversion + "/");
    }

    /** Rewrites hrefs of any version to draft form (import, lookups under active/N). */
    public static String toDraft(String text) {
        return VERSION_SEGMENT.matcher(text).replaceAll("/sec_policy/draft/");
    }

    // ---- pending ----

    /** One pending change to a versioned object. */
    public record PendingChange(Kind kind, String href, String name, String changeType) {}

    public List<PendingChange> pendingChanges(int org) {
        Map<Kind, Map<String, ObjectNode>> draft = draftTrees(org);
        Map<Kind, Map<String, ObjectNode>> active = trees(activeSnapshot(org));
        List<PendingChange> out = new ArrayList<>();
        for (Kind k : Kind.VERSIONED) {
            Map<String, ObjectNode> d = draft.get(k);
            Map<String, ObjectNode> a = active.get(k);
            for (var e : d.entrySet()) {
                ObjectNode before = a.get(e.getKey());
                if (before == null) out.add(new PendingChange(k, e.getKey(), Json.text(e.getValue(), "name"), "create"));
                else if (!before.equals(e.getValue())) out.add(new PendingChange(k, e.getKey(), Json.text(e.getValue(), "name"), "update"));
            }
            for (var e : a.entrySet()) {
                if (!d.containsKey(e.getKey())) out.add(new PendingChange(k, e.getKey(), Json.text(e.getValue(), "name"), "delete"));
            }
        }
        return out;
    }

    public ObjectNode pending(int org) {
        ObjectNode out = Json.object();
        for (Kind k : Kind.VERSIONED) out.putArray(k.collection());
        for (PendingChange c : pendingChanges(org)) {
            ObjectNode n = ((ArrayNode) out.get(c.kind().collection())).addObject();
            n.put("href", c.href());
            if (c.name() != null) n.put("name", c.name());
            n.put("change_type", c.changeType());
        }
        return out;
    }

    /** Reverts every pending change: the draft becomes the active version again. */
    public void revert(int org, Principal by) {
        store.writeVoid(() -> {
            List<PendingChange> changes = pendingChanges(org);
            replaceDraft(org, activeSnapshot(org));
            ArrayNode reverted = Json.array();
            changes.forEach(c -> reverted.add(Json.ref(c.href()).put("change_type", c.changeType())));
            events.record(org, "sec_policy_pending.delete", "info", "success", by.eventActor(), List.of(),
                    Json.object().set("reverted", reverted));
        });
    }

    private void replaceDraft(int org, PolicyDocument versioned) {
        Map<Kind, Map<String, ObjectNode>> t = trees(versioned);
        for (Kind k : Kind.VERSIONED) {
            store.objects().deleteKind(org, k.kind());
            for (var e : t.get(k).entrySet()) store.objects().put(org, k.kind(), e.getKey(), e.getValue(), null);
        }
    }

    // ---- provision ----

    /** {@code {"update_description", "change_subset"?}} → the new version's summary (201). */
    public ObjectNode provision(int org, JsonNode body, Principal by) {
        long liveGeneration = generation.get();
        Engine[] built = new Engine[1];
        long[] builtVersion = new long[1];
        Json.onlyFields(body, Set.of("update_description", "change_subset"), "provision request");
        if (body.has("update_description") && !body.get("update_description").isTextual()
                && !body.get("update_description").isNull()) {
            throw ApiException.invalid("invalid_update_description", "update_description is a string saying what"
                    + " this version changes, not " + body.get("update_description").getNodeType().name().toLowerCase() + ".");
        }
        String description = Json.text(body, "update_description");
        JsonNode subset = body.get("change_subset");
        ObjectNode result = store.write(() -> {
            List<PendingChange> pending = pendingChanges(org);
            if (pending.isEmpty()) {
                throw ApiException.invalid("nothing_to_provision", "There are no pending changes to provision: change"
                        + " the draft first (GET /orgs/" + org + "/sec_policy/pending lists them).");
            }
            Map<Kind, Map<String, ObjectNode>> draft = draftTrees(org);
            Map<Kind, Map<String, ObjectNode>> next = trees(activeSnapshot(org));
            List<PendingChange> selected = selected(pending, subset);
            for (PendingChange c : selected) {
                ObjectNode d = draft.get(c.kind()).get(c.href());
                if (d == null) next.get(c.kind()).remove(c.href());
                else next.get(c.kind()).put(c.href(), d);
            }
            // the live labels and workloads are read once: at 10,000 workloads each read costs a noticeable pause
            List<Label> labels = liveLabels(org);
            List<Workload> workloads = liveWorkloads(org);
            checkDependencies(next, draft, subset != null && !subset.isNull(), labels, workloads, org);
            PolicyDocument versioned = fromTrees(next);
            Engine engine = build(withLive(org, versioned, labels, workloads)); // 406 with every error
            long version = activeVersion(org) + 1;
            built[0] = engine;
            builtVersion[0] = version;
            int affected = workloadsAffected(org, engine);
            ObjectNode summary = insertVersion(org, version, description, by, affected, versioned);
            ArrayNode changes = Json.array();
            selected.forEach(c -> changes.add(Json.ref(c.href()).put("change_type", c.changeType())));
            events.record(org, "sec_policy.create", "info", "success", by.eventActor(),
                    List.of(Events.created(summary.get("href").asText(), summary)),
                    Json.object().put("version", version).set("changes", changes));
            return summary;
        });
        versionMade();
        // the VENs' next look-up needs exactly the engine just built: hand it over instead of building it again
        if (built[0] != null && generation.get() == liveGeneration) {
            cached = new CachedEngine(org, builtVersion[0], liveGeneration, built[0]);
        }
        fire();
        return result;
    }

    private List<PendingChange> selected(List<PendingChange> pending, JsonNode subset) {
        if (subset == null || subset.isNull()) return pending;
        if (!subset.isObject()) {
            throw ApiException.invalid("invalid_change_subset", "change_subset is an object such as {\"rule_sets\":"
                    + " [{\"href\": \"...\"}], \"ip_lists\": [...]}.");
        }
        Json.onlyFields(subset, SUBSET_KEYS, "change_subset");
        List<PendingChange> out = new ArrayList<>();
        List<ValidationError> errors = new ArrayList<>();
        subset.fields().forEachRemaining(e -> {
            for (JsonNode ref : e.getValue()) {
                String href = toDraft(ref.path("href").asText(""));
                Optional<PendingChange> c = pending.stream()
                        .filter(p -> p.kind().collection().equals(e.getKey()) && p.href().equals(href)).findFirst();
                if (c.isEmpty()) {
                    errors.add(new ValidationError("change_subset_not_pending", "change_subset." + e.getKey()
                            + " names '" + href + "', which has no pending change: remove it from the subset."));
                } else {
                    out.add(c.get());
                }
            }
        });
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
        if (out.isEmpty()) {
            throw ApiException.invalid("nothing_to_provision", "change_subset names no object: list at least one pending change.");
        }
        return out;
    }

    private void checkDependencies(Map<Kind, Map<String, ObjectNode>> next, Map<Kind, Map<String, ObjectNode>> draft,
                                   boolean isSubset, List<Label> liveLabels, List<Workload> liveWorkloads, int org) {
        Map<String, Kind> byCollection = new HashMap<>();
        for (Kind k : Kind.VERSIONED) byCollection.put(k.collection(), k);
        Set<String> labels = new java.util.HashSet<>();
        liveLabels.forEach(l -> labels.add(l.href()));
        Set<String> workloads = new java.util.HashSet<>();
        liveWorkloads.forEach(w -> workloads.add(w.href()));
        workloads.addAll(setAside.excluded(org)); // still stored: a reference to one is no missing dependency
        List<ValidationError> errors = new ArrayList<>();
        for (Kind k : Kind.VERSIONED) {
            for (var e : next.get(k).entrySet()) {
                Object obj = Json.convert(e.getValue(), k.model(), k.what());
                for (Refs.Reference r : Refs.of(obj)) {
                    boolean present = switch (r.collection()) {
                        case "labels" -> labels.contains(r.href());
                        case "workloads" -> workloads.contains(r.href());
                        default -> next.get(byCollection.get(r.collection())).containsKey(r.href());
                    };
                    if (present) continue;
                    Kind target = byCollection.get(r.collection());
                    boolean inDraft = target != null && draft.get(target).containsKey(r.href());
                    if (isSubset && inDraft) {
                        errors.add(new ValidationError("provision_dependency_missing", k.what() + " " + e.getKey()
                                + " uses " + target.what() + " " + r.href() + ", whose change is not in the subset: add"
                                + " {\"href\": \"" + r.href() + "\"} to change_subset." + r.collection() + "."));
                    } else if (isSubset && target != null) {
                        errors.add(new ValidationError("provision_dependency_missing", k.what() + " " + e.getKey()
                                + " uses " + target.what() + " " + r.href() + ", whose deletion is in the subset:"
                                + " leave the deletion out, or include the change to " + e.getKey() + "."));
                    } else {
                        errors.add(new ValidationError("unknown_reference", k.what() + " " + e.getKey() + " refers to "
                                + r.href() + ", which does not exist: remove the reference or create the object."));
                    }
                }
            }
        }
        if (!errors.isEmpty()) throw ApiException.invalid(errors.stream().distinct().toList());
    }

    /**
     * Managed workloads whose compiled policy (its hash) differs from the active version's. Compared per workload
     * through the policy classes' body digests ({@link CompiledOrg#samePolicy}), so no policy is built or hashed:
     * 10,000 workloads in a few classes cost a few digests, not 20,000 compiled policies.
     */
    private int workloadsAffected(int org, Engine next) {
        CompiledOrg before;
        try {
            before = activeEngine(org).compileAll();
        } catch (ApiException e) {
            before = null;
        }
        CompiledOrg after = next.compileAll();
        int n = 0;
        for (Workload w : next.document().workloadsOrEmpty()) {
            if (w.isManaged() && (before == null || !after.samePolicy(w.href(), before))) n++;
        }
        return n;
    }

    private ObjectNode insertVersion(int org, long version, String description, Principal by, int affected,
                                     PolicyDocument versioned) {
        ObjectNode counts = counts(versioned);
        String now = Json.now(clock);
        PolicyDocument stored = new PolicyDocument(null, versioned.labelGroupsOrEmpty(), null, versioned.ipListsOrEmpty(),
                versioned.servicesOrEmpty(), versioned.ruleSetsOrEmpty(), versioned.firewallSettings());
        store.versions().insert(new PolicyVersion(org, version, description, now, by.href(), affected, counts.toString(),
                Json.write(stored)));
        return summary(org, version, description, now, by.href(), affected, counts);
    }

    private static ObjectNode counts(PolicyDocument d) {
        ObjectNode c = Json.object();
        c.put("label_groups", d.labelGroupsOrEmpty().size());
        c.put("ip_lists", d.ipListsOrEmpty().size());
        c.put("services", d.servicesOrEmpty().size());
        c.put("rule_sets", d.ruleSetsOrEmpty().size());
        c.put("sec_rules", d.ruleSetsOrEmpty().stream().mapToInt(r -> r.rulesOrEmpty().size()).sum());
        c.put("deny_rules", d.ruleSetsOrEmpty().stream().mapToInt(r -> r.denyRulesOrEmpty().size()).sum());
        c.put("ip_tables_rules", d.ruleSetsOrEmpty().stream().mapToInt(r -> r.ipTablesRulesOrEmpty().size()).sum());
        return c;
    }

    private static ObjectNode summary(int org, long version, String description, String at, String by, int affected,
                                      JsonNode counts) {
        ObjectNode s = Json.object();
        s.put("href", "/orgs/" + org + "/sec_policy/" + version);
        s.put("version", version);
        s.put("update_description", description);
        s.put("workloads_affected", affected);
        s.set("object_counts", counts);
        s.put("created_at", at);
        s.set("created_by", Json.ref(by));
        return s;
    }

    public List<ObjectNode> versions(int org, int limit) {
        return store.versions().newestFirst(org, limit).stream().map(v -> summary(org, v.version(), v.description(), v.createdAt(),
                v.createdBy(), v.workloadsAffected(), Json.parse(v.objectCounts()))).toList();
    }

    public long versionCount(int org) {
        return store.versions().count(org);
    }

    /** Restores version N as a new version, and makes the draft equal to it; refused while changes are pending. */
    public ObjectNode restore(int org, String pversion, Principal by) {
        long from = resolveVersion(org, pversion);
        ObjectNode result = store.write(() -> {
            if (!pendingChanges(org).isEmpty()) {
                throw ApiException.invalid("pending_changes_exist", "The draft has pending changes: provision or revert"
                        + " them (DELETE /orgs/" + org + "/sec_policy/pending) before restoring version " + from + ".");
            }
            PolicyDocument versioned = snapshot(org, from);
            Engine engine = build(withLive(org, versioned)); // 406 with every error
            long version = activeVersion(org) + 1;
            int affected = workloadsAffected(org, engine);
            ObjectNode summary = insertVersion(org, version, "Restored from version " + from, by, affected, versioned);
            replaceDraft(org, versioned);
            events.record(org, "sec_policy.restore", "info", "success", by.eventActor(),
                    List.of(Events.created(summary.get("href").asText(), summary)),
                    Json.object().put("restored_version", from).put("version", version));
            return summary;
        });
        versionMade();
        fire();
        return result;
    }

    // ---- import / export ----

    /** The policy document of a version, hrefs in that version's form, labels and workloads included. */
    public String export(int org, String pversion) {
        PolicyDocument d = document(org, pversion);
        return rewrite(Json.write(d), pversion.equals("draft") ? "draft" : pversion);
    }

    /** Replaces the draft with a document's versioned objects and upserts its labels and workloads. */
    public ObjectNode importDocument(int org, String text, Principal by) {
        JsonNode root = Json.parseBody(toDraft(text == null ? "" : text), "policy document");
        if (!root.isObject()) {
            throw ApiException.invalid("invalid_document", "A policy document is a JSON object with labels,"
                    + " label_groups, workloads, ip_lists, services, rule_sets and firewall_settings.");
        }
        PolicyDocument doc = Json.convert(root, PolicyDocument.class, "policy document");
        ObjectNode out = store.write(() -> {
            PolicyDocument withBuiltIns = addBuiltIns(org, doc);
            List<Label> labels = new ArrayList<>(withBuiltIns.labelsOrEmpty());
            Map<String, String> byKeyValue = new HashMap<>();
            for (Label l : liveLabels(org)) byKeyValue.put(l.key() + "\u0000" + l.value(), l.href());
            for (Label l : labels) {
                String other = byKeyValue.get(l.key() + "\u0000" + l.value());
                if (other != null && !other.equals(l.href())) {
                    throw ApiException.invalid("label_key_and_value_must_be_unique", "Label " + l.href() + " ("
                            + l.display() + ") duplicates existing label " + other + ": use that href in the document.");
                }
            }
            List<Workload> workloads = new ArrayList<>(liveWorkloads(org));
            Set<String> imported = new java.util.HashSet<>();
            withBuiltIns.workloadsOrEmpty().forEach(w -> imported.add(w.href()));
            workloads.removeIf(w -> imported.contains(w.href()));
            workloads.addAll(withBuiltIns.workloadsOrEmpty());
            List<Label> allLabels = new ArrayList<>(liveLabels(org));
            Set<String> importedLabels = new java.util.HashSet<>();
            labels.forEach(l -> importedLabels.add(l.href()));
            allLabels.removeIf(l -> importedLabels.contains(l.href()));
            allLabels.addAll(labels);
            Set<String> stillSetAside = setAside.excluded(org);
            stillSetAside.removeAll(imported); // the import replaces them
            PolicyDocument full = SetAside.withoutReferencesTo(withBuiltIns.withLabels(allLabels).withWorkloads(workloads),
                    stillSetAside);
            List<ValidationError> errors = Engine.validate(full);
            if (!errors.isEmpty()) throw ApiException.invalid(errors);
            build(full);
            String now = Json.now(clock);
            for (Label l : labels) store.objects().put(org, Kind.LABEL.kind(), l.href(), stamp(Json.tree(l), now, by), null);
            for (Workload w : withBuiltIns.workloadsOrEmpty()) {
                store.objects().put(org, Kind.WORKLOAD.kind(), w.href(), stamp(Json.tree(w), now, by), null);
            }
            PolicyDocument versioned = new PolicyDocument(null, withBuiltIns.labelGroupsOrEmpty(), null,
                    withBuiltIns.ipListsOrEmpty(), withBuiltIns.servicesOrEmpty(), withBuiltIns.ruleSetsOrEmpty(),
                    settings(org, withBuiltIns.firewallSettings(), now, by));
            Map<Kind, Map<String, ObjectNode>> t = trees(versioned);
            for (Kind k : Kind.VERSIONED) {
                store.objects().deleteKind(org, k.kind());
                for (var e : t.get(k).entrySet()) store.objects().put(org, k.kind(), e.getKey(), stamp(e.getValue(), now, by), null);
            }
            advanceCounters(org, labels, withBuiltIns.workloadsOrEmpty(), versioned);
            ObjectNode counts = counts(versioned);
            counts.put("labels", labels.size()).put("workloads", withBuiltIns.workloadsOrEmpty().size());
            events.record(org, "sec_policy_draft.import", "info", "success", by.eventActor(), List.of(),
                    Json.object().set("object_counts", counts));
            ObjectNode r = Json.object();
            r.set("object_counts", counts);
            r.set("pending", pending(org));
            return r;
        });
        liveChanged();
        return out;
    }

    /** Imported hrefs keep their numbers: the counters move past them, so new objects never reuse one. */
    private void advanceCounters(int org, List<Label> labels, List<Workload> workloads, PolicyDocument versioned) {
        Map<String, Long> next = new HashMap<>();
        java.util.function.BiConsumer<String, String> see = (counter, href) -> {
            String id = href == null ? "" : href.substring(href.lastIndexOf('/') + 1);
            if (!id.isEmpty() && id.length() < 18 && id.chars().allMatch(Character::isDigit)) {
                next.merge(counter, Long.parseLong(id) + 1, Math::max);
            }
        };
        labels.forEach(l -> see.accept(Kind.LABEL.kind(), l.href()));
        workloads.forEach(w -> see.accept(Kind.WORKLOAD.kind(), w.href()));
        versioned.labelGroupsOrEmpty().forEach(g -> see.accept(Kind.LABEL_GROUP.kind(), g.href()));
        versioned.ipListsOrEmpty().forEach(l -> see.accept(Kind.IP_LIST.kind(), l.href()));
        versioned.servicesOrEmpty().forEach(x -> see.accept(Kind.SERVICE.kind(), x.href()));
        for (RuleSet rs : versioned.ruleSetsOrEmpty()) {
            see.accept(Kind.RULE_SET.kind(), rs.href());
            rs.rulesOrEmpty().forEach(r -> see.accept(RULE_COUNTER, r.href()));
            rs.denyRulesOrEmpty().forEach(r -> see.accept(RULE_COUNTER, r.href()));
            rs.ipTablesRulesOrEmpty().forEach(r -> see.accept(RULE_COUNTER, r.href()));
        }
        next.forEach((counter, atLeast) -> store.counters().advance(org, counter, atLeast));
    }

    /** The counter numbering every nested rule (sec_rules, deny_rules, ip_tables_rules) of an org. */
    public static final String RULE_COUNTER = "rule";

    private static ObjectNode stamp(ObjectNode n, String now, Principal by) {
        if (!n.has("created_at")) n.put("created_at", now);
        if (!n.has("updated_at")) n.put("updated_at", now);
        if (!n.has("created_by")) n.set("created_by", by.ref());
        if (!n.has("updated_by")) n.set("updated_by", by.ref());
        return n;
    }

    private static FirewallSettings settings(int org, FirewallSettings given, String now, Principal by) {
        List<dev.cordon.policy.model.CoexistenceEntry> entries = given == null ? List.of() : given.firewallCoexistenceOrEmpty();
        dev.cordon.policy.model.Ref me = dev.cordon.policy.model.Ref.of(by.href());
        if (given == null) return new FirewallSettings(settingsHref(org), entries, now, now, me, me);
        // an imported export keeps its stamps, so importing what is active leaves nothing pending
        return new FirewallSettings(settingsHref(org), entries,
                given.createdAt() == null ? now : given.createdAt(), given.updatedAt() == null ? now : given.updatedAt(),
                given.createdBy() == null ? me : given.createdBy(), given.updatedBy() == null ? me : given.updatedBy());
    }

    /** Built-ins are added when absent (by name); their hrefs are fresh draft hrefs. */
    private PolicyDocument addBuiltIns(int org, PolicyDocument d) {
        PolicyDocument out = d;
        if (d.ipListsOrEmpty().stream().noneMatch(l -> ANY_IP_LIST.equals(l.name()))) {
            List<IpList> l = new ArrayList<>(d.ipListsOrEmpty());
            l.add(IpList.of(freshHref(org, Kind.IP_LIST, d), ANY_IP_LIST, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0"))));
            out = out.withIpLists(l);
        }
        if (d.servicesOrEmpty().stream().noneMatch(s -> Service.ALL_SERVICES_NAME.equals(s.name()))) {
            List<Service> s = new ArrayList<>(d.servicesOrEmpty());
            s.add(Service.of(freshHref(org, Kind.SERVICE, d), Service.ALL_SERVICES_NAME, List.of(new ServicePort(-1, null, null, null, null))));
            out = out.withServices(s);
        }
        return out;
    }

    private String freshHref(int org, Kind k, PolicyDocument d) {
        String json = Json.write(d);
        while (true) {
            String href = k.base(org) + "/" + store.counters().next(org, k.kind());
            if (!json.contains("\"" + href + "\"")) return href;
        }
    }
}
