package dev.cordon.pce.api.bindings;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /orgs/{org}/service_bindings[/{uuid}]}: a {@code POST} takes a JSON array of bindings (Illumio's shape) and
 * creates them all or none, answering {@code 201} with the created bindings; lists filter by
 * {@code virtual_service} (active or draft href) and {@code workload}. Reads need any role, writes owner or admin.
 * Bindings show their virtual service by its active href, as Illumio does.
 */
public final class ServiceBindingEndpoints implements ApiGroup {
    private final Guard guard;
    private final ObjectService objects;
    private final Store store;

    public ServiceBindingEndpoints(Guard guard, ObjectService objects, Store store) {
        this.guard = guard;
        this.objects = objects;
        this.store = store;
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/service_bindings", guard.read(this::list));
        post("/api/v2/orgs/{org}/service_bindings", guard.admin(this::create));
        get("/api/v2/orgs/{org}/service_bindings/{id}", guard.read(ctx -> Guard.json(ctx, 200,
                view(objects.get(guard.org(ctx), Kind.SERVICE_BINDING, href(ctx))).toString())));
        delete("/api/v2/orgs/{org}/service_bindings/{id}", guard.admin(ctx -> {
            objects.delete(guard.org(ctx), Kind.SERVICE_BINDING, href(ctx), Guard.principal(ctx));
            ctx.status(204);
        }));
    }

    private void create(Context ctx) {
        int org = guard.org(ctx);
        JsonNode body = Json.parseBody(RequestLimits.body(ctx), "service bindings");
        if (!body.isArray() || body.isEmpty()) {
            throw ApiException.invalid("invalid_body", "POST /orgs/" + org + "/service_bindings takes a JSON array of"
                    + " bindings, e.g. [{\"virtual_service\": {\"href\": ...}, \"workload\": {\"href\": ...}}].");
        }
        ArrayNode out = Json.array();
        store.writeVoid(() -> {
            for (JsonNode b : body) out.add(view(objects.create(org, Kind.SERVICE_BINDING, b, Guard.principal(ctx))));
        });
        Guard.json(ctx, 201, out.toString());
    }

    private void list(Context ctx) {
        int org = guard.org(ctx);
        String vs = ctx.queryParam("virtual_service");
        String wl = ctx.queryParam("workload");
        String vsDraft = vs == null ? null : PolicyHrefs.toDraft(vs);
        List<JsonNode> all = new ArrayList<>();
        for (Row r : store.objects().all(org, Kind.SERVICE_BINDING.kind())) {
            JsonNode b = Json.parse(r.body());
            if (vsDraft != null && !vsDraft.equals(b.path("virtual_service").path("href").asText())) continue;
            if (wl != null && !wl.equals(b.path("workload").path("href").asText())) continue;
            all.add(view(b));
        }
        String max = ctx.queryParam("max_results");
        int limit = max == null || max.isBlank()
                ? (dev.cordon.pce.api.jobs.AsyncCollections.wanted(ctx) ? Integer.MAX_VALUE : 500)
                : dev.cordon.pce.api.filters.ExtraFilters.number(max, "max_results", 0, Integer.MAX_VALUE);
        ctx.header("X-Total-Count", Integer.toString(all.size()));
        Guard.json(ctx, 200, Json.write(all.subList(0, Math.min(limit, all.size()))));
    }

    private static ObjectNode view(JsonNode stored) {
        ObjectNode n = ((ObjectNode) stored).deepCopy();
        String vs = n.path("virtual_service").path("href").asText(null);
        if (vs != null) n.set("virtual_service", Json.ref(vs.replace("/sec_policy/draft/", "/sec_policy/active/")));
        return n;
    }

    private String href(Context ctx) {
        return "/orgs/" + guard.org(ctx) + "/service_bindings/" + ctx.pathParam("id");
    }
}
