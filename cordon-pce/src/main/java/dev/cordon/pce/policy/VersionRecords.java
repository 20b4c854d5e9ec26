package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.PolicyVersion;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.PolicyDocument;
import java.time.Clock;
import java.util.List;

/**
 * The stored rows of provisioned versions and their summaries as the API shows them (href, version, description,
 * workloads affected, object counts, when and by whom). Holds no state of its own.
 */
public final class VersionRecords {
    private final Store store;
    private final Clock clock;

    public VersionRecords(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Stores version N of the versioned objects (inside the caller's write transaction); its summary. */
    ObjectNode insert(int org, long version, String description, Principal by, int affected, PolicyDocument versioned) {
        ObjectNode counts = counts(versioned);
        String now = Json.now(clock);
        PolicyDocument stored = new PolicyDocument(null, versioned.labelGroupsOrEmpty(), null, versioned.ipListsOrEmpty(),
                versioned.servicesOrEmpty(), versioned.ruleSetsOrEmpty(), versioned.firewallSettings())
                .withVirtualServices(versioned.virtualServicesOrEmpty());
        store.versions().insert(new PolicyVersion(org, version, description, now, by.href(), affected, counts.toString(),
                Json.write(stored)));
        return summary(org, version, description, now, by.href(), affected, counts);
    }

    static ObjectNode counts(PolicyDocument d) {
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

    /** The newest {@code limit} versions' summaries, newest first. */
    public List<ObjectNode> versions(int org, int limit) {
        return store.versions().newestFirst(org, limit).stream().map(v -> summary(org, v.version(), v.description(), v.createdAt(),
                v.createdBy(), v.workloadsAffected(), Json.parse(v.objectCounts()))).toList();
    }

    public long versionCount(int org) {
        return store.versions().count(org);
    }
}
