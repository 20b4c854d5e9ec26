package dev.cordon.pce.api.objects;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Responses.created;
import static dev.cordon.pce.api.http.Responses.ok;
import static dev.cordon.pce.api.http.Roles.p;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.api.http.Listing;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.api.workloads.WorkloadView;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The non-versioned objects: GET list / POST / GET one / PUT / DELETE per kind; writes need admin. */
public final class ObjectEndpoints implements EndpointGroup {
    /** Filters on a field of the workload as shown (query parameter = field name → the values it may take). */
    private static final Map<String, Set<String>> WORKLOAD_FIELD_FILTERS = Map.of(
            "managed", Set.of("true", "false"),
            "enforcement_mode", Set.of("idle", "visibility_only", "selective", "full"),
            "os_type", Set.of());

    private final ObjectService objects;
    private final WorkloadView workloads;
    private final List<Kind> kinds;
    private final Roles roles;
    private final Orgs orgs;
    private final Listing listing;

    public ObjectEndpoints(ObjectService objects, WorkloadView workloads, List<Kind> kinds, Roles roles, Orgs orgs,
                           Listing listing) {
        this.objects = objects;
        this.workloads = workloads;
        this.kinds = List.copyOf(kinds);
        this.roles = roles;
        this.orgs = orgs;
        this.listing = listing;
    }

    @Override
    public void addEndpoints() {
        kinds.forEach(this::crud);
    }

    private void crud(Kind k) {
        String base = "/api/v2/orgs/{org}/" + k.collection();
        get(base, roles.read(ctx -> listing.shown(ctx, k.kind(),
                k == Kind.WORKLOAD ? WORKLOAD_FIELD_FILTERS : Map.of(), stored -> view(ctx, k, stored))));
        post(base, roles.admin(ctx -> created(ctx, view(ctx, k,
                objects.create(orgs.org(ctx), k, body(ctx, k.what()), p(ctx))))));
        get(base + "/{id}", roles.read(ctx -> ok(ctx, view(ctx, k, objects.get(orgs.org(ctx), k, href(ctx, k))))));
        put(base + "/{id}", roles.admin(ctx -> {
            objects.update(orgs.org(ctx), k, href(ctx, k), body(ctx, k.what()), p(ctx));
            ctx.status(204);
        }));
        delete(base + "/{id}", roles.admin(ctx -> {
            objects.delete(orgs.org(ctx), k, href(ctx, k), p(ctx));
            ctx.status(204);
        }));
    }

    private JsonNode view(Context ctx, Kind k, JsonNode stored) {
        return k == Kind.WORKLOAD ? workloads.view(orgs.org(ctx), stored) : stored;
    }

    private String href(Context ctx, Kind k) {
        return k.base(orgs.org(ctx)) + "/" + ctx.pathParam("id");
    }
}
