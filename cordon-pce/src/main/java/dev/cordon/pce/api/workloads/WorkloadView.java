package dev.cordon.pce.api.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyDocuments;
import dev.cordon.pce.ven.Heartbeats;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CoexistenceResolver;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A workload as the API shows it: the stored object plus two computed, read-only fields: {@code firewall_coexistence}
 * from the active firewall settings ({@code {"illumio_primary": bool}}, or null when exclusive), and for managed
 * workloads {@code agent.status} from the VEN's heartbeats; and {@code policy_conditions}, empty unless the engine
 * cannot compile the workload and leaves it out (see {@link dev.cordon.pce.policy.SetAside}).
 */
public final class WorkloadView {
    private final PolicyDocuments policy;
    private final Heartbeats heartbeats;

    public WorkloadView(PolicyDocuments policy, Heartbeats heartbeats) {
        this.policy = policy;
        this.heartbeats = heartbeats;
    }

    public ObjectNode view(int org, JsonNode stored) {
        ObjectNode n = ((ObjectNode) stored).deepCopy();
        ArrayNode conditions = policy.setAside().conditions(org, Json.text(stored, "href"), stored);
        // Illumio's online: false only while the VEN is silent past its timer (pce.ven.OfflineSweep)
        n.remove(dev.cordon.pce.core.Workloads.ONLINE);
        Workload w;
        try {
            w = Json.convert(n, Workload.class, "workload");
            n.put(dev.cordon.pce.core.Workloads.ONLINE, !dev.cordon.pce.core.Workloads.isOffline(stored));
        } catch (ApiException e) {
            // stored before today's checks: shown as stored, with the condition saying why it is left out
            n.putNull("firewall_coexistence");
            n.set("policy_conditions", conditions);
            return n;
        }
        n.set("policy_conditions", conditions);
        List<CoexistenceEntry> entries = policy.activeSnapshot(org).coexistenceOrEmpty();
        Set<String> labels = new HashSet<>();
        for (Ref r : w.labelsOrEmpty()) labels.add(r.href());
        if (w.isManaged()) {
            CoexistenceResolver.Result r = CoexistenceResolver.resolve(w, labels, entries);
            if (r.state() == Coexistence.EXCLUSIVE) n.putNull("firewall_coexistence");
            else n.putObject("firewall_coexistence").put("illumio_primary", r.state() == Coexistence.PRIMARY);
            if (r.warning() != null) n.put("firewall_coexistence_warning", r.warning());
            if (w.ven() != null && w.ven().href() != null) n.set("agent", heartbeats.agentStatus(org, w.ven().href()));
        } else {
            n.putNull("firewall_coexistence");
        }
        return n;
    }
}
