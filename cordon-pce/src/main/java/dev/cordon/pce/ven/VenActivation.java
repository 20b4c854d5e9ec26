package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.auth.Secrets;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.Workloads;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.objects.WorkloadChecks;
import dev.cordon.pce.policy.ActiveEngine;
import dev.cordon.pce.store.GroupWrites;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import dev.cordon.protocol.ActivationAnswer;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.Ref;
import dev.cordon.protocol.Wire;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Pairing: the pairing keys an admin generates from a pairing profile, and activation, which spends a key's use
 * and creates a managed workload (the profile's labels and enforcement mode, the host's interfaces), its VEN and
 * the VEN's agent token ({@link AgentTokens#issue}) in one transaction.
 *
 * <p>Activations are written in groups ({@link GroupWrites}): those that arrive while one group is being written
 * share the next transaction and its sync of the store, and each request still answers only once its own activation
 * is committed and on stable storage. A group that fails (a spent key, a refused workload) is written again one
 * activation per transaction, so each request gets its own answer, as before.
 *
 * <p>Holds no state of its own beyond the group's queue: request threads only; the database transaction (the
 * cluster-wide write lock) orders two activations spending the last use of one key, so exactly one of them gets it.
 */
public final class VenActivation {
    private final Store store;
    private final Events events;
    private final ActiveEngine policy;
    private final AgentTokens tokens;
    private final Clock clock;
    private final GroupWrites<ActivationRequest, ActivationAnswer> activations;

    public VenActivation(Store store, Events events, ActiveEngine policy, AgentTokens tokens, Clock clock) {
        this.store = store;
        this.events = events;
        this.policy = policy;
        this.tokens = tokens;
        this.clock = clock;
        this.activations = new GroupWrites<>(store, this::doActivate);
    }

    /** {@code POST /orgs/{org}/pairing_profiles/{id}/pairing_key} → {@code {"activation_code"}}. */
    public ObjectNode pairingKey(int org, String profileHref, Principal by) {
        return store.write(() -> {
            JsonNode p = Json.parse(store.objects().get(org, VenKinds.PAIRING_PROFILE.kind(), profileHref)
                    .orElseThrow(() -> ApiException.notFound("No pairing profile " + profileHref + ".")));
            if (!p.path("enabled").asBoolean(true)) {
                throw ApiException.invalid("pairing_profile_disabled", "Pairing profile " + profileHref
                        + " is disabled: enable it (PUT {\"enabled\": true}) to generate keys.");
            }
            String code = Secrets.random(24);
            String href = profileHref + "/pairing_keys/" + store.counters().next(org, VenKinds.PAIRING_KEY);
            ObjectNode key = Json.object().put("href", href).put("pairing_profile", profileHref)
                    .put("created_at", Json.now(clock));
            JsonNode life = p.get("key_lifespan");
            if (life != null && life.isIntegralNumber()) {
                key.put("expires_at", Json.format(clock.instant().plusSeconds(life.asLong())));
            }
            JsonNode uses = p.get("allowed_uses_per_key");
            if (uses != null && uses.isIntegralNumber()) key.put("uses_left", uses.asInt());
            store.objects().put(org, VenKinds.PAIRING_KEY, href, key, Secrets.hash("activation", code));
            events.record(org, "pairing_profile.create_pairing_key", "info", "success", by.eventActor(),
                    List.of(Events.created(href, key)), Json.object().put("pairing_profile", profileHref));
            return Json.object().put("activation_code", code);
        });
    }

    /** {@code POST /api/v2/ven/activate}: a managed workload and its VEN, with the profile's labels and mode. */
    public ObjectNode activate(JsonNode body) {
        ActivationRequest request = VenInputs.activation(body); // types and field paths; the workload check follows
        String code = request.activationCode();
        String hostname = request.hostname();
        if (code == null) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Missing activation_code: generate a pairing key first.");
        }
        if (hostname == null || hostname.isBlank()) {
            throw ApiException.invalid("hostname_required", "Activation needs the host's hostname.");
        }
        // a 401 is throttled and recorded by the caller (auth.throttle), once per source and interval
        ActivationAnswer answer = activations.write(request);
        policy.liveChanged();
        return (ObjectNode) Wire.tree(answer);
    }

    private ActivationAnswer doActivate(ActivationRequest request) {
        String code = request.activationCode();
        String hostname = request.hostname();
        Optional<Row> keyRow = store.objects().findByLookup(VenKinds.PAIRING_KEY, Secrets.hash("activation", code));
        if (keyRow.isEmpty()) {
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY,
                    "Unknown activation code: generate a new pairing key.");
        }
        ObjectNode key = (ObjectNode) Json.parse(keyRow.get().body());
        String keyHref = keyRow.get().href();
        int org = VenKinds.orgOf(keyHref);
        String expires = Json.text(key, "expires_at");
        if (expires != null && expires.compareTo(Json.now(clock)) < 0) {
            throw ApiException.unauthorized("This activation code expired at " + expires + ": generate a new pairing key.");
        }
        if (key.has("uses_left") && key.get("uses_left").asInt() <= 0) {
            throw ApiException.unauthorized("This activation code has been used as often as its pairing profile"
                    + " allows: generate a new pairing key.");
        }
        JsonNode profile = Json.parse(store.objects().get(org, VenKinds.PAIRING_PROFILE.kind(), Json.text(key, "pairing_profile"))
                .orElseThrow(() -> ApiException.unauthorized("The pairing profile of this code was deleted.")));
        if (!profile.path("enabled").asBoolean(true)) {
            throw ApiException.unauthorized("The pairing profile of this activation code is disabled.");
        }
        if (key.has("uses_left")) { // a key without a limit is not changed by its use: nothing to write
            key.put("uses_left", key.get("uses_left").asInt() - 1);
            store.objects().put(org, VenKinds.PAIRING_KEY, keyHref, key, Secrets.hash("activation", code));
        }

        String now = Json.now(clock);
        String venHref = "/orgs/" + org + "/vens/" + UUID.randomUUID();
        String workloadHref = "/orgs/" + org + "/workloads/" + UUID.randomUUID();
        String venType = Optional.ofNullable(request.venType()).orElse(Json.text(profile, "ven_type"));
        if (!"server".equals(venType) && !"endpoint".equals(venType)) {
            throw ApiException.invalid("invalid_ven_type", "ven_type is server or endpoint, not '" + venType + "'.");
        }
        ObjectNode by = Json.ref(venHref);
        ObjectNode w = Json.object().put("href", workloadHref)
                .put("name", Optional.ofNullable(request.name()).orElse(hostname)).put("hostname", hostname);
        w.set("labels", profile.has("labels") ? profile.get("labels") : Json.array());
        w.set("interfaces", Wire.tree(request.interfaces()));
        w.put("enforcement_mode", Json.text(profile, "enforcement_mode"));
        // the workload starts with the profile's visibility level (Illumio's pairing); its own field rules after
        if (Json.text(profile, "visibility_level") != null) w.put("visibility_level", Json.text(profile, "visibility_level"));
        w.put("managed", true);
        w.set("ven", Json.ref(venHref).put("ven_type", venType));
        w.put("os_type", Optional.ofNullable(request.osType()).orElse("linux"));
        w.put("created_at", now).put("updated_at", now);
        w.set("created_by", by);
        w.set("updated_by", by);
        dev.cordon.policy.model.Workload parsed = Json.convert(w, dev.cordon.policy.model.Workload.class, "workload");
        // what POST /workloads refuses, activation refuses too (the transaction then stores nothing)
        var problems = Workloads.problems(parsed, WorkloadChecks.labelsOf(store, org, parsed));
        if (!problems.isEmpty()) throw ApiException.invalid(problems);
        store.objects().insertNew(org, Kind.WORKLOAD.kind(), workloadHref, w, null);

        ObjectNode ven = Json.object().put("href", venHref).put("name", hostname).put("hostname", hostname)
                .put("status", "active").put("ven_type", venType).put("version", request.version())
                .put("os_type", w.get("os_type").asText());
        ven.set("workload", Json.ref(workloadHref));
        ven.set("pairing_profile", Json.ref(Json.text(key, "pairing_profile")));
        ven.put(Heartbeats.BACKEND, request.dataplaneBackend());
        ven.putNull("last_heartbeat_on");
        ven.putArray("conditions");
        ven.put("created_at", now).put("updated_at", now);
        ven.set("created_by", by);
        ven.set("updated_by", by);
        store.objects().insertNew(org, VenKinds.VEN, venHref, ven, null);

        String token = tokens.issue(org, venHref);

        ObjectNode actor = Json.object();
        actor.putObject("agent").put("href", venHref).put("hostname", hostname);
        events.record(org, "agent.activate", "info", "success", actor,
                List.of(Events.created(venHref, ven), Events.created(workloadHref, w)),
                Json.object().put("pairing_key", keyHref));
        return new ActivationAnswer(new Ref(venHref), new Ref(workloadHref), token);
    }
}
