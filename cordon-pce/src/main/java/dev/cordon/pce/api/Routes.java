package dev.cordon.pce.api;

import static io.javalin.apibuilder.ApiBuilder.get;

import dev.cordon.pce.api.events.EventEndpoints;
import dev.cordon.pce.api.http.ErrorMapping;
import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.http.Listing;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.api.objects.ObjectEndpoints;
import dev.cordon.pce.api.objects.VersionedObjectEndpoints;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.api.policy.PolicyEndpoints;
import dev.cordon.pce.api.rulesets.NestedRules;
import dev.cordon.pce.api.rulesets.RuleEndpoints;
import dev.cordon.pce.api.traffic.TrafficEndpoints;
import dev.cordon.pce.api.traffic.VenTrafficEndpoints;
import dev.cordon.pce.api.users.UserEndpoints;
import dev.cordon.pce.api.ven.VenEndpoints;
import dev.cordon.pce.api.workloads.WorkloadView;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.explain.PolicyCheck;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.policy.PolicyParts;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.traffic.Traffic;
import dev.cordon.pce.ven.VenKinds;
import dev.cordon.pce.ven.Vens;
import io.javalin.Javalin;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * The REST API's table of routes: which endpoint group serves which paths, in match order (literal paths before
 * {@code {pv}} ones, so provisioning comes before the versioned objects). Each group ({@link UserEndpoints},
 * {@link ObjectEndpoints}, {@link VenEndpoints}, {@link EventEndpoints}, {@link PolicyEndpoints},
 * {@link VersionedObjectEndpoints}, {@link RuleEndpoints}) declares its paths with the role each needs ({@link Roles}); handlers are thin:
 * parse the request, call one use case, write its value. Typed errors become responses in one place,
 * {@link ErrorMapping}.
 *
 * <pre>
 *   request → RequestLimits (before) → authenticate (API key, throttled) → group handler → role → use case
 *                                                          └ /api/v2/ven/* : VEN credentials, in VenEndpoints
 * </pre>
 */
public final class Routes {
    private final AccessControl access;
    private final ClientSource sources;
    private final List<EndpointGroup> groups;
    /** Groups of routes in classes of their own, added at wiring time; declared before {@link #groups}. */
    private final List<ApiGroup> added = new java.util.ArrayList<>();

    public Routes(AccessControl access, ObjectService objects, VersionedReads reads, NestedRules rules,
                  PolicyParts policy, PolicyCheck policyCheck, Events events, Vens vens,
                  WorkloadView workloads, Store store, Throttles throttles, ClientSource sources,
                  Traffic traffic) {
        this.access = access;
        this.sources = sources;
        Roles roles = new Roles(access);
        Orgs orgs = new Orgs(store);
        Listing listing = new Listing(store, orgs);
        this.groups = List.of(
                new UserEndpoints(access, roles, orgs),
                new ObjectEndpoints(objects, workloads, List.of(Kind.LABEL, Kind.WORKLOAD, VenKinds.PAIRING_PROFILE),
                        roles, orgs, listing),
                new VenEndpoints(vens, store, throttles, roles, orgs, listing),
                new EventEndpoints(events, roles, orgs),
                new PolicyEndpoints(policy, policyCheck, objects, reads, roles, orgs),
                new VersionedObjectEndpoints(objects, reads, roles, orgs),
                new RuleEndpoints(rules, roles, orgs),
                new TrafficEndpoints(traffic.queries(), traffic.ingest(), traffic.reporting(), access, store),
                new VenTrafficEndpoints(traffic.ingest(), vens, throttles));
    }

    /** Adds a group of routes of its own class; its endpoints are declared before the groups here, in the order added. */
    public Routes add(ApiGroup group) {
        added.add(group);
        return this;
    }

    /** Every endpoint, for {@code JavalinConfig.router.apiBuilder}. */
    public void endpoints() {
        get("/api/v2/health", ctx -> ctx.json(Map.of("status", "ok")));
        added.forEach(EndpointGroup::addEndpoints);
        groups.forEach(EndpointGroup::addEndpoints);
    }

    /** The error mapping and authentication; after {@code RequestLimits}, whose before-handler must run first. */
    public void register(Javalin app) {
        ErrorMapping.register(app);
        app.before("/api/v2/*", this::authenticate);
        added.forEach(g -> g.hooks(app));
    }

    private void authenticate(Context ctx) {
        String path = ctx.path();
        if (path.equals("/api/v2/health") || path.startsWith("/api/v2/ven/")) return;
        ctx.attribute(Roles.PRINCIPAL, access.authenticate(ctx.header("Authorization"), sources.of(ctx)));
    }
}
