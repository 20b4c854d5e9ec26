package dev.cordon.pce.objects;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Refs;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.policy.PolicyDocuments;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Row;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Business rules shared by the draft policy objects (label groups, IP lists, services, firewall settings): names are
 * required and unique per kind, references must exist, built-ins stay, and an object in use cannot be deleted.
 * Each check names the object and says what to do, so a script can fix its input from the message alone.
 */
public final class PolicyObjectChecks implements ObjectService.Checks {
    private static final Map<String, Kind> BY_COLLECTION = Map.of(
            "labels", Kind.LABEL, "workloads", Kind.WORKLOAD, "label_groups", Kind.LABEL_GROUP,
            "ip_lists", Kind.IP_LIST, "services", Kind.SERVICE, "virtual_services", Kind.VIRTUAL_SERVICE);

    private final Store store;
    private final PolicyDocuments policy;
    private final Kind kind;

    public PolicyObjectChecks(Store store, PolicyDocuments policy, Kind kind) {
        this.store = store;
        this.policy = policy;
        this.kind = kind;
    }

    /** Does the referenced object exist (draft form for versioned kinds, live for labels and workloads)? */
    public static boolean exists(Store store, int org, Refs.Reference r) {
        Kind k = BY_COLLECTION.get(r.collection());
        return k != null && r.href() != null && store.objects().get(org, k.kind(), r.href()).isPresent();
    }

    /** 406 listing every reference of {@code obj} that does not exist. */
    public static void requireReferences(Store store, int org, String what, String href, Object obj) {
        List<dev.cordon.policy.validate.ValidationError> errors = new ArrayList<>();
        for (Refs.Reference r : Refs.of(obj)) {
            if (!exists(store, org, r)) {
                errors.add(new dev.cordon.policy.validate.ValidationError("unknown_reference", "The " + what + " "
                        + (href == null ? "" : href + " ") + "refers to " + r.collection().replace('_', ' ')
                        + " '" + r.href() + "', which does not exist: create it first or fix the href."));
            }
        }
        if (!errors.isEmpty()) throw ApiException.invalid(errors.stream().distinct().toList());
    }

    public static void requireName(String name, Kind k) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalid("name_required", "A " + k.what() + " needs a non-empty name.");
        }
    }

    /**
     * Names are unique per kind in the draft, as scripts find objects by name. The indexed name column narrows the
     * candidates (it matches partially and ignoring case) so that a write does not parse every object of its kind
     * inside the write lock; the exact comparison is on the stored JSON.
     */
    public static void uniqueName(Store store, int org, Kind k, String name, String href) {
        for (Row r : store.objects().list(org, k.kind(), new Filter(name, null, null, null, null, null),
                Integer.MAX_VALUE).rows()) {
            if (!r.href().equals(href) && name.equals(Json.text(Json.parse(r.body()), "name"))) {
                throw ApiException.invalid(k.kind() + "_name_in_use", "A " + k.what() + " named '" + name
                        + "' already exists (" + r.href() + "): pick another name or update that one.");
            }
        }
    }

    @Override
    public void prepare(int org, com.fasterxml.jackson.databind.node.ObjectNode node, JsonNode old, Principal by) {
        if (kind == Kind.VIRTUAL_SERVICE) ReferenceShapes.hrefsOnly(node, "labels");
        if (kind == Kind.LABEL_GROUP) {
            // a group's labels and sub-groups may be sent as read, whole objects: the href is the reference
            ReferenceShapes.hrefsOnly(node, "labels");
            ReferenceShapes.hrefsOnly(node, "sub_groups");
        }
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        if (obj instanceof FirewallSettings fs) {
            for (CoexistenceEntry e : fs.firewallCoexistenceOrEmpty()) {
                String m = e.workloadMode();
                if (m != null && !m.equals(CoexistenceEntry.ENFORCED) && !m.equals(CoexistenceEntry.ILLUMINATED)) {
                    throw ApiException.invalid("invalid_workload_mode", "firewall_coexistence workload_mode '" + m
                            + "' is unknown: use enforced, illuminated, or leave it out for all modes.");
                }
            }
            requireReferences(store, org, "firewall settings", null, obj);
            return;
        }
        JsonNode tree = Json.tree(obj);
        String name = Json.text(tree, "name");
        String href = Json.text(tree, "href");
        requireName(name, kind);
        uniqueName(store, org, kind, name, href);
        if (old != null && isBuiltIn(old) && !Objects.equals(name, builtInName(old))) {
            throw ApiException.invalid("built_in_object", "'" + builtInName(old) + "' is built in: it cannot be renamed.");
        }
        if (obj instanceof LabelGroup g) labelGroup(org, g);
        // what the engine checks of a self-contained object is checked when it is saved, not first at provision
        if (obj instanceof IpList l) engineChecks(dev.cordon.policy.model.PolicyDocument.empty().withIpLists(List.of(l)));
        if (obj instanceof dev.cordon.policy.model.Service s) {
            engineChecks(dev.cordon.policy.model.PolicyDocument.empty().withServices(List.of(s)));
        }
        if (obj instanceof dev.cordon.policy.model.VirtualService v) {
            requireReferences(store, org, "virtual service", v.href(), v);
            // its ports, as the engine checks them (its labels were checked just above)
            engineChecks(dev.cordon.policy.model.PolicyDocument.empty().withVirtualServices(List.of(
                    new dev.cordon.policy.model.VirtualService(v.href(), v.name(), null, v.servicePorts(), null, null,
                            null, null, null, null, null, null, null))));
        }
    }

    private static void engineChecks(dev.cordon.policy.model.PolicyDocument doc) {
        List<dev.cordon.policy.validate.ValidationError> errors = dev.cordon.policy.validate.Validator.validate(doc);
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }

    /**
     * At most one label per key among {@code labels} (a workload's, or a pairing profile's, which its workloads get).
     *
     * @param what how the owner is named in the message, e.g. "Workload 'web1'"
     */
    public static void onePerKey(Store store, int org, List<Ref> labels, String what, String token) {
        java.util.Map<String, String> byKey = new java.util.HashMap<>();
        for (Ref r : labels) {
            String key = store.objects().get(org, Kind.LABEL.kind(), r.href()).map(b -> Json.text(Json.parse(b), "key")).orElse(null);
            if (key == null) continue; // unknown labels are reported by the reference check
            String prev = byKey.put(key, r.href());
            if (prev != null && !prev.equals(r.href())) {
                throw ApiException.invalid(token, what + " has two labels of key '" + key + "' (" + prev + ", " + r.href()
                        + "): a workload carries at most one label per key; keep one.");
            }
        }
    }

    private void labelGroup(int org, LabelGroup g) {
        if (g.key() == null || g.key().isBlank()) {
            throw ApiException.invalid("label_group_key_required", "Label group '" + g.name() + "' needs a key"
                    + " (role, app, env, loc or a custom key): its labels all have that key.");
        }
        requireReferences(store, org, "label group", g.href(), g);
        for (Ref r : g.labelsOrEmpty()) {
            String key = Json.text(Json.parse(store.objects().get(org, Kind.LABEL.kind(), r.href()).orElseThrow()), "key");
            if (!g.key().equals(key)) {
                throw ApiException.invalid("label_group_key_mismatch", "Label " + r.href() + " has key '" + key
                        + "' but label group '" + g.name() + "' has key '" + g.key() + "': a group holds labels of its key only.");
            }
        }
        for (Ref r : g.subGroupsOrEmpty()) {
            String key = Json.text(Json.parse(store.objects().get(org, Kind.LABEL_GROUP.kind(), r.href()).orElseThrow()), "key");
            if (r.href().equals(g.href()) || !g.key().equals(key)) {
                throw ApiException.invalid("label_group_key_mismatch", "Sub-group " + r.href() + " of label group '"
                        + g.name() + "' must be another group of key '" + g.key() + "'.");
            }
        }
    }

    private static boolean isBuiltIn(Object o) {
        return builtInName(o) != null;
    }

    private static String builtInName(Object o) {
        if (o instanceof IpList l && PolicyHrefs.ANY_IP_LIST.equals(l.name())) return l.name();
        if (o instanceof Service s && Service.ALL_SERVICES_NAME.equals(s.name())) return s.name();
        return null;
    }

    @Override
    public void beforeDelete(int org, Object old, Principal by) {
        if (isBuiltIn(old)) {
            throw ApiException.invalid("built_in_object", "'" + builtInName(old) + "' is built in and cannot be deleted.");
        }
        String href = Json.tree(old).get("href").asText();
        List<String> users = usersOf(store, policy.activeSnapshot(org), org, href);
        if (!users.isEmpty()) {
            throw ApiException.invalid(kind.kind() + "_in_use", "The " + kind.what() + " " + href + " is in use by "
                    + String.join(", ", users) + ": remove those references first.");
        }
    }

    /**
     * Hrefs of the draft and active objects, workloads and pairing profiles that refer to {@code href};
     * {@code active} is the active version's snapshot.
     */
    public static List<String> usersOf(Store store, dev.cordon.policy.model.PolicyDocument active, int org, String href) {
        List<String> users = new ArrayList<>();
        for (Kind k : Kind.VERSIONED) {
            for (Row r : store.objects().all(org, k.kind())) {
                Object o = Json.convert(Json.parse(r.body()), k.model(), k.what());
                if (Refs.of(o).stream().anyMatch(x -> href.equals(x.href()))) users.add(r.href());
            }
        }
        List<Object> activeObjs = new ArrayList<>();
        activeObjs.addAll(active.labelGroupsOrEmpty());
        activeObjs.addAll(active.ruleSetsOrEmpty());
        if (active.firewallSettings() != null) activeObjs.add(active.firewallSettings());
        for (Object o : activeObjs) {
            if (Refs.of(o).stream().anyMatch(x -> href.equals(x.href()))) {
                String h = Json.tree(o).get("href").asText().replace("/sec_policy/draft/", "/sec_policy/active/");
                if (!users.contains(h)) users.add(h);
            }
        }
        for (Row r : store.objects().all(org, Kind.WORKLOAD.kind())) {
            JsonNode w = Json.parse(r.body());
            for (JsonNode l : w.path("labels")) if (href.equals(l.path("href").asText())) users.add(r.href());
        }
        for (Row r : store.objects().all(org, Kind.SERVICE_BINDING.kind())) {
            JsonNode b = Json.parse(r.body());
            if (href.equals(b.path("workload").path("href").asText()) || href.equals(b.path("virtual_service").path("href").asText())) {
                users.add(r.href());
            }
        }
        for (Row r : store.objects().all(org, "pairing_profile")) {
            for (JsonNode l : Json.parse(r.body()).path("labels")) if (href.equals(l.path("href").asText())) users.add(r.href());
        }
        return users;
    }
}
