package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What provisioning the draft would change: every versioned object created, updated or deleted in the draft since
 * the active version, compared as stored JSON. Holds no state of its own.
 */
public final class PendingChanges {
    /** One pending change to a versioned object. */
    public record PendingChange(Kind kind, String href, String name, String changeType) {}

    private final PolicyDocuments documents;

    public PendingChanges(PolicyDocuments documents) {
        this.documents = documents;
    }

    public List<PendingChange> list(int org) {
        Map<Kind, Map<String, ObjectNode>> draft = documents.draftTrees(org);
        Map<Kind, Map<String, ObjectNode>> active = PolicyDocuments.trees(documents.activeSnapshot(org));
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

    /** {@code GET sec_policy/pending}: the changes per collection. */
    public ObjectNode pending(int org) {
        ObjectNode out = Json.object();
        for (Kind k : Kind.VERSIONED) out.putArray(k.collection());
        for (PendingChange c : list(org)) {
            ObjectNode n = ((ArrayNode) out.get(c.kind().collection())).addObject();
            n.put("href", c.href());
            if (c.name() != null) n.put("name", c.name());
            n.put("change_type", c.changeType());
        }
        return out;
    }
}
