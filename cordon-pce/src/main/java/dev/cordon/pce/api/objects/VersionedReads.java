package dev.cordon.pce.api.objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.policy.PolicyDocuments;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Page;
import dev.cordon.policy.model.PolicyDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads of versioned objects under {@code sec_policy/{draft|active|N}}: the draft from the store (filtered there),
 * a version from its snapshot (filtered here, with the same rules). Callers rewrite hrefs to the version asked for.
 */
public final class VersionedReads {
    private final Store store;
    private final PolicyDocuments policy;

    public VersionedReads(Store store, PolicyDocuments policy) {
        this.store = store;
        this.policy = policy;
    }

    /** A list of objects and the total that matched before {@code max_results}. */
    public record Listing(List<JsonNode> items, long total) {}

    public Listing list(int org, Kind k, String pversion, Filter f, int limit) {
        if (pversion.equals("draft")) {
            Page page = store.objects().list(org, k.kind(), f, limit);
            return new Listing(page.rows().stream().map(r -> Json.parse(r.body())).toList(), page.total());
        }
        List<JsonNode> all = snapshotObjects(org, k, pversion);
        List<JsonNode> matched = new ArrayList<>();
        for (JsonNode n : all) if (matches(n, f)) matched.add(n);
        return new Listing(matched.subList(0, Math.min(limit, matched.size())), matched.size());
    }

    public ObjectNode get(int org, Kind k, String pversion, String draftHref) {
        if (pversion.equals("draft")) {
            return (ObjectNode) Json.parse(store.objects().get(org, k.kind(), draftHref)
                    .orElseThrow(() -> ApiException.notFound("No " + k.what() + " " + draftHref + " in the draft.")));
        }
        for (JsonNode n : snapshotObjects(org, k, pversion)) {
            if (draftHref.equals(Json.text(n, "href"))) return (ObjectNode) n;
        }
        throw ApiException.notFound("No " + k.what() + " " + PolicyHrefs.rewrite(draftHref, pversion)
                + " in policy version " + pversion + ".");
    }

    private List<JsonNode> snapshotObjects(int org, Kind k, String pversion) {
        PolicyDocument d = policy.snapshot(org, policy.resolveVersion(org, pversion));
        List<?> objs;
        if (k == Kind.LABEL_GROUP) objs = d.labelGroupsOrEmpty();
        else if (k == Kind.IP_LIST) objs = d.ipListsOrEmpty();
        else if (k == Kind.SERVICE) objs = d.servicesOrEmpty();
        else if (k == Kind.RULE_SET) objs = d.ruleSetsOrEmpty();
        else if (k == Kind.VIRTUAL_SERVICE) objs = d.virtualServicesOrEmpty();
        else objs = d.firewallSettings() == null ? List.of() : List.of(d.firewallSettings());
        return objs.stream().map(o -> (JsonNode) Json.tree(o)).toList();
    }

    private static boolean matches(JsonNode n, Filter f) {
        if (f.name() != null && !contains(Json.text(n, "name"), f.name())) return false;
        if (f.externalDataSet() != null && !f.externalDataSet().equals(Json.text(n, "external_data_set"))) return false;
        if (f.externalDataReference() != null && !f.externalDataReference().equals(Json.text(n, "external_data_reference"))) return false;
        if (f.key() != null && !f.key().equals(Json.text(n, "key"))) return false;
        return true;
    }

    private static boolean contains(String s, String part) {
        return s != null && s.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }
}
