package dev.cordon.pce.api.ven;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Responses.created;
import static dev.cordon.pce.api.http.Responses.ok;
import static dev.cordon.pce.api.http.Roles.p;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.http.Listing;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Requests;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.auth.throttle.AuthThrottle;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.ven.Agent;
import dev.cordon.pce.ven.VenKinds;
import dev.cordon.pce.ven.Vens;
import dev.cordon.policy.compile.Endpoint;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * VENs: the admin's view (list, read, update, unpair, pairing keys) under API keys, and the VEN protocol (activate,
 * policy long poll, heartbeat, goodbye, agent events) under VEN credentials. VEN credentials are throttled here (activation
 * codes per source, agent tokens per source and per token id); API keys are throttled in authentication.
 */
public final class VenEndpoints implements EndpointGroup {
    private static final Map<String, Set<String>> VEN_FIELD_FILTERS = Map.of(
            "status", Set.of("active", "suspended"),
            "ven_type", Set.of("server", "endpoint"));

    private final Vens vens;
    private final Store store;
    private final Throttles throttles;
    private final Roles roles;
    private final Orgs orgs;
    private final Listing listing;

    public VenEndpoints(Vens vens, Store store, Throttles throttles, Roles roles, Orgs orgs, Listing listing) {
        this.vens = vens;
        this.store = store;
        this.throttles = throttles;
        this.roles = roles;
        this.orgs = orgs;
        this.listing = listing;
    }

    @Override
    public void addEndpoints() {
        post("/api/v2/orgs/{org}/pairing_profiles/{id}/pairing_key", roles.admin(ctx -> {
            int org = orgs.org(ctx);
            created(ctx, vens.activation().pairingKey(org, "/orgs/" + org + "/pairing_profiles/" + ctx.pathParam("id"), p(ctx)));
        }));
        get("/api/v2/orgs/{org}/vens", roles.read(ctx ->
                listing.shown(ctx, VenKinds.VEN, VEN_FIELD_FILTERS, v -> vens.heartbeats().view(orgs.org(ctx), v))));
        get("/api/v2/orgs/{org}/vens/{id}", roles.read(ctx -> ok(ctx, vens.heartbeats().view(orgs.org(ctx), Json.parse(
                store.objects().get(orgs.org(ctx), VenKinds.VEN, venHref(ctx))
                        .orElseThrow(() -> ApiException.notFound("No VEN " + venHref(ctx) + ".")))))));
        put("/api/v2/orgs/{org}/vens/unpair", roles.admin(ctx -> {
            int org = orgs.org(ctx);
            JsonNode body = Json.parseObject(RequestLimits.body(ctx), "unpair request");
            Json.onlyFields(body, Set.of("vens", "firewall_restore"), "unpair request");
            List<String> hrefs = new ArrayList<>();
            for (JsonNode v : body.path("vens")) {
                if (!v.path("href").isTextual()) {
                    throw ApiException.invalid("invalid_ven_reference", "Each entry of vens is {\"href\": \"/orgs/"
                            + org + "/vens/<uuid>\"}, not " + v + ".");
                }
                hrefs.add(v.path("href").asText());
            }
            vens.admin().unpair(org, hrefs, body.path("firewall_restore").asText("default"), p(ctx));
            ctx.status(204);
        }));
        put("/api/v2/orgs/{org}/vens/{id}", roles.admin(ctx -> {
            vens.admin().update(orgs.org(ctx), venHref(ctx), body(ctx, "VEN"), p(ctx));
            ctx.status(204);
        }));
        delete("/api/v2/orgs/{org}/vens/{id}", roles.admin(ctx -> {
            vens.admin().unpair(orgs.org(ctx), List.of(venHref(ctx)), "default", p(ctx));
            ctx.status(204);
        }));

        // the VEN protocol (agent tokens, not API keys)
        post("/api/v2/ven/activate", ctx -> created(ctx, activate(ctx)));
        get("/api/v2/ven/policy", ctx -> {
            Agent agent = agent(ctx);
            int wait = Requests.intParam(ctx, "wait_seconds", 0, 0, 300);
            Endpoint endpoint = new Endpoint(ctx.req().getLocalAddr(), ctx.req().getLocalPort());
            // asked before ctx.future, so a refused park (503, node full) is answered like any error
            var answer = vens.polls().poll(agent, ctx.queryParam("known_hash"), wait, endpoint);
            ctx.future(() -> answer.thenAccept(json -> {
                if (json == null) ctx.status(304);
                else ctx.status(200).contentType("application/json").result(json);
            }));
        });
        post("/api/v2/ven/heartbeat", ctx -> {
            var answer = vens.heartbeats().heartbeatAnswered(agent(ctx), Json.parseBody(RequestLimits.body(ctx), "heartbeat"));
            if (answer.isEmpty()) ctx.status(204);
            else ctx.status(200).contentType("application/json").result(dev.cordon.protocol.Wire.write(answer.get()));
        });
        post("/api/v2/ven/goodbye", ctx -> {
            vens.goodbyes().goodbye(agent(ctx), Json.parseBody(RequestLimits.body(ctx), "goodbye"));
            ctx.status(204);
        });
        post("/api/v2/ven/events", ctx -> {
            vens.events().record(agent(ctx), Json.parseBody(RequestLimits.body(ctx), "agent events"));
            ctx.status(204);
        });
    }

    private String venHref(Context ctx) {
        return "/orgs/" + orgs.org(ctx) + "/vens/" + ctx.pathParam("id");
    }

    /** Activation, throttled per source: an activation code has no id of its own to count under. */
    private ObjectNode activate(Context ctx) {
        AuthThrottle throttle = throttles.activationCodes();
        String src = ctx.ip();
        ApiException locked = throttle.refusal(src, null);
        if (locked != null) throw locked;
        JsonNode body = Json.parseBody(RequestLimits.body(ctx), "activation request");
        try {
            return vens.activation().activate(body);
        } catch (ApiException e) {
            if (e.status() == 401) {
                String reason = e.errors().get(0).message();
                if (e.failure() != null) throttle.failed(src, null, null, reason);
                else throttles.log().failed("activation_code", src, null, reason);
            }
            throw e;
        }
    }

    private Agent agent(Context ctx) {
        return VenCredentials.agent(ctx, vens, throttles);
    }
}
