package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Export of a version's whole document and import of one into the draft (labels and workloads upserted, the
 * versioned objects replaced), validated whole before anything is stored. Holds no state of its own; an import is
 * one write transaction.
 */
public final class PolicyImport {
    private final Store store;
    private final Events events;
    private final Clock clock;
    private final PolicyDocuments documents;
    private final ActiveEngine active;
    private final PendingChanges pending;

    public PolicyImport(Store store, Events events, Clock clock, PolicyDocuments documents, ActiveEngine active,
                        PendingChanges pending) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.documents = documents;
        this.active = active;
        this.pending = pending;
    }

    /** The policy document of a version, hrefs in that version's form, labels and workloads included. */
    public String export(int org, String pversion) {
        PolicyDocument d = documents.document(org, pversion);
        return PolicyHrefs.rewrite(Json.write(d), pversion.equals("draft") ? "draft" : pversion);
    }

    /** Replaces the draft with a document's versioned objects and upserts its labels and workloads. */
    public ObjectNode importDocument(int org, String text, Principal by) {
        JsonNode root = Json.parseBody(PolicyHrefs.toDraft(text == null ? "" : text), "policy document");
        if (!root.isObject()) {
            throw ApiException.invalid("invalid_document", "A policy document is a JSON object with labels,"
                    + " label_groups, workloads, ip_lists, services, rule_sets and firewall_settings.");
        }
        PolicyDocument doc = Json.convert(root, PolicyDocument.class, "policy document");
        ObjectNode out = store.write(() -> {
            PolicyDocument withBuiltIns = addBuiltIns(org, doc);
            List<Label> labels = new ArrayList<>(withBuiltIns.labelsOrEmpty());
            Map<String, String> byKeyValue = new HashMap<>();
            for (Label l : documents.liveLabels(org)) byKeyValue.put(l.key() + "\u0000" + l.value(), l.href());
            for (Label l : labels) {
                String other = byKeyValue.get(l.key() + "\u0000" + l.value());
                if (other != null && !other.equals(l.href())) {
                    throw ApiException.invalid("label_key_and_value_must_be_unique", "Label " + l.href() + " ("
                            + l.display() + ") duplicates existing label " + other + ": use that href in the document.");
                }
            }
            List<Workload> workloads = new ArrayList<>(documents.liveWorkloads(org));
            Set<String> imported = new HashSet<>();
            withBuiltIns.workloadsOrEmpty().forEach(w -> imported.add(w.href()));
            workloads.removeIf(w -> imported.contains(w.href()));
            workloads.addAll(withBuiltIns.workloadsOrEmpty());
            List<Label> allLabels = new ArrayList<>(documents.liveLabels(org));
            Set<String> importedLabels = new HashSet<>();
            labels.forEach(l -> importedLabels.add(l.href()));
            allLabels.removeIf(l -> importedLabels.contains(l.href()));
            allLabels.addAll(labels);
            Set<String> stillSetAside = documents.setAside().excluded(org);
            stillSetAside.removeAll(imported); // the import replaces them
            PolicyDocument full = SetAside.withoutReferencesTo(withBuiltIns.withLabels(allLabels).withWorkloads(workloads),
                    stillSetAside);
            List<ValidationError> errors = Engine.validate(full);
            if (!errors.isEmpty()) throw ApiException.invalid(errors);
            PolicyEngines.build(full);
            String now = Json.now(clock);
            for (Label l : labels) store.objects().put(org, Kind.LABEL.kind(), l.href(), stamp(Json.tree(l), now, by), null);
            for (Workload w : withBuiltIns.workloadsOrEmpty()) {
                store.objects().put(org, Kind.WORKLOAD.kind(), w.href(), stamp(Json.tree(w), now, by), null);
            }
            PolicyDocument versioned = new PolicyDocument(null, withBuiltIns.labelGroupsOrEmpty(), null,
                    withBuiltIns.ipListsOrEmpty(), withBuiltIns.servicesOrEmpty(), withBuiltIns.ruleSetsOrEmpty(),
                    settings(org, withBuiltIns.firewallSettings(), now, by));
            Map<Kind, Map<String, ObjectNode>> t = PolicyDocuments.trees(versioned);
            for (Kind k : Kind.VERSIONED) {
                store.objects().deleteKind(org, k.kind());
                for (var e : t.get(k).entrySet()) store.objects().put(org, k.kind(), e.getKey(), stamp(e.getValue(), now, by), null);
            }
            advanceCounters(org, labels, withBuiltIns.workloadsOrEmpty(), versioned);
            ObjectNode counts = VersionRecords.counts(versioned);
            counts.put("labels", labels.size()).put("workloads", withBuiltIns.workloadsOrEmpty().size());
            events.record(org, "sec_policy_draft.import", "info", "success", by.eventActor(), List.of(),
                    Json.object().set("object_counts", counts));
            ObjectNode r = Json.object();
            r.set("object_counts", counts);
            r.set("pending", pending.pending(org));
            return r;
        });
        active.liveChanged();
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
            rs.rulesOrEmpty().forEach(r -> see.accept(PolicyHrefs.RULE_COUNTER, r.href()));
            rs.denyRulesOrEmpty().forEach(r -> see.accept(PolicyHrefs.RULE_COUNTER, r.href()));
            rs.ipTablesRulesOrEmpty().forEach(r -> see.accept(PolicyHrefs.RULE_COUNTER, r.href()));
        }
        next.forEach((counter, atLeast) -> store.counters().advance(org, counter, atLeast));
    }

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
        if (given == null) return new FirewallSettings(PolicyHrefs.settingsHref(org), entries, now, now, me, me);
        // an imported export keeps its stamps, so importing what is active leaves nothing pending
        return new FirewallSettings(PolicyHrefs.settingsHref(org), entries,
                given.createdAt() == null ? now : given.createdAt(), given.updatedAt() == null ? now : given.updatedAt(),
                given.createdBy() == null ? me : given.createdBy(), given.updatedBy() == null ? me : given.updatedBy());
    }

    /** Built-ins are added when absent (by name); their hrefs are fresh draft hrefs. */
    private PolicyDocument addBuiltIns(int org, PolicyDocument d) {
        PolicyDocument out = d;
        if (d.ipListsOrEmpty().stream().noneMatch(l -> PolicyHrefs.ANY_IP_LIST.equals(l.name()))) {
            List<IpList> l = new ArrayList<>(d.ipListsOrEmpty());
            l.add(IpList.of(freshHref(org, Kind.IP_LIST, d), PolicyHrefs.ANY_IP_LIST, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0"))));
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
