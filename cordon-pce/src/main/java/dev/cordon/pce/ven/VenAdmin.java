package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.cluster.Change;
import dev.cordon.pce.cluster.Cluster;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.objects.PolicyObjectChecks;
import dev.cordon.pce.policy.ActiveEngine;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.validate.ValidationError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an admin does to VENs: update one (suspend, reactivate, rename) and unpair some. Both change the database
 * first, in one transaction, and then tell this node's caches ({@link AgentTokens}, {@link PolicyLongPoll},
 * {@link Heartbeats}) and, through the {@link Cluster}, the other nodes' to forget the VEN, and answer its parked
 * polls, so its next request learns its new status. Holds no state of its own: admin request threads only.
 */
public final class VenAdmin {
    private static final Set<String> UNPAIR_RESTORES = Set.of("saved", "default");
    private static final int MAX_UNPAIR = 1000;

    private final Store store;
    private final Events events;
    private final ActiveEngine policy;
    private final Clock clock;
    private final Cluster cluster;
    private final AgentTokens tokens;
    private final PolicyLongPoll polls;
    private final Heartbeats heartbeats;

    public VenAdmin(Store store, Events events, ActiveEngine policy, Clock clock, Cluster cluster, AgentTokens tokens,
                    PolicyLongPoll polls, Heartbeats heartbeats) {
        this.store = store;
        this.events = events;
        this.policy = policy;
        this.clock = clock;
        this.cluster = cluster;
        this.tokens = tokens;
        this.polls = polls;
        this.heartbeats = heartbeats;
    }

    /** {@code PUT /orgs/{org}/vens/{uuid}} {@code {"status": "active"|"suspended"}}. */
    public void update(int org, String venHref, JsonNode body, Principal by) {
        if (body == null || !body.isObject()) throw ApiException.invalid("invalid_body", "Send {\"status\": \"suspended\"}.");
        Json.onlyFields(body, Set.of("status", "name", "description"), "VEN");
        String status = Json.text(body, "status");
        if (status != null && !status.equals("active") && !status.equals("suspended")) {
            throw ApiException.invalid("invalid_ven_status", "A VEN's status is active or suspended, not '" + status + "'.");
        }
        store.writeVoid(() -> {
            ObjectNode before = (ObjectNode) Json.parse(store.objects().get(org, VenKinds.VEN, venHref)
                    .orElseThrow(() -> ApiException.notFound("No VEN " + venHref + ".")));
            ObjectNode after = before.deepCopy();
            body.fields().forEachRemaining(e -> after.set(e.getKey(), e.getValue()));
            after.put("updated_at", Json.now(clock));
            after.set("updated_by", by.ref());
            store.objects().put(org, VenKinds.VEN, venHref, after, null);
            events.record(org, "ven.update", "info", "success", by.eventActor(),
                    List.of(Events.updated(venHref, before, after)), null);
        });
        polls.forget(venHref);
        tokens.forget(venHref);
        polls.release(Set.of(venHref));
        cluster.publish(Change.ven(venHref));
    }

    /**
     * Unpairs VENs ({@code PUT /orgs/{org}/vens/unpair}, and {@code DELETE /orgs/{org}/vens/{uuid}} with
     * {@code default}): each VEN and its managed workload go away at once, in one transaction (all or none). The
     * agent token is kept as a tombstone ({@link AgentTokens#tombstone}): the VEN's next request (a parked long poll
     * is answered at once) gets {@code 401} with the token {@code ven_unpaired_saved|default}, and the VEN then
     * restores its firewall that way, forgets its pairing and stops. A VEN that is offline learns it when it comes
     * back.
     */
    public void unpair(int org, List<String> venHrefs, String firewallRestore, Principal by) {
        if (!UNPAIR_RESTORES.contains(firewallRestore)) {
            throw ApiException.invalid("invalid_firewall_restore", "firewall_restore is 'saved' (the firewall as it was"
                    + " before activation) or 'default' (Cordon's rules removed, the host open), not '" + firewallRestore + "'.");
        }
        if (venHrefs.isEmpty()) throw ApiException.invalid("vens_required", "Name the VENs to unpair: {\"vens\": [{\"href\": ...}]}.");
        if (venHrefs.size() > MAX_UNPAIR) {
            throw ApiException.invalid("too_many_vens", "At most " + MAX_UNPAIR + " VENs per unpair request, not "
                    + venHrefs.size() + ": split the list.");
        }
        String at = Json.now(clock);
        store.writeVoid(() -> {
            List<ValidationError> problems = new ArrayList<>();
            for (String venHref : new LinkedHashSet<>(venHrefs)) {
                Optional<String> venText = store.objects().get(org, VenKinds.VEN, venHref);
                if (venText.isEmpty()) {
                    problems.add(new ValidationError("ven_not_found", "No VEN " + venHref
                            + " in org " + org + " (already unpaired?): GET /orgs/" + org + "/vens lists them."));
                    continue;
                }
                JsonNode ven = Json.parse(venText.get());
                String workload = ven.path("workload").path("href").asText();
                List<String> users = PolicyObjectChecks.usersOf(store, policy.activeSnapshot(org), org, workload);
                if (!users.isEmpty()) {
                    problems.add(new ValidationError("workload_in_use", "The workload of VEN "
                            + venHref + " is named by " + String.join(", ", users) + ": remove those references first."));
                    continue;
                }
                store.objects().delete(org, VenKinds.VEN, venHref);
                tokens.tombstone(org, venHref, firewallRestore, at);
                JsonNode w = store.objects().get(org, Kind.WORKLOAD.kind(), workload).map(Json::parse).orElse(null);
                store.objects().delete(org, Kind.WORKLOAD.kind(), workload);
                events.record(org, "ven.unpair", "info", "success", by.eventActor(),
                        List.of(Events.deleted(venHref, ven), Events.deleted(workload, w)),
                        Json.object().put("firewall_restore", firewallRestore));
            }
            if (!problems.isEmpty()) throw ApiException.invalid(problems);
        });
        for (String venHref : venHrefs) {
            polls.forget(venHref);
            tokens.forget(venHref);
            heartbeats.forget(venHref);
            cluster.publish(Change.ven(venHref));
        }
        polls.release(Set.copyOf(venHrefs));
        policy.liveChanged();
    }
}
