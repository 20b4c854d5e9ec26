package dev.cordon.pce.api.objects;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Requests.draftOnly;
import static dev.cordon.pce.api.http.Requests.filter;
import static dev.cordon.pce.api.http.Requests.limit;
import static dev.cordon.pce.api.http.Requests.pv;
import static dev.cordon.pce.api.http.Responses.created;
import static dev.cordon.pce.api.http.Responses.versioned;
import static dev.cordon.pce.api.http.Responses.versionedArray;
import static dev.cordon.pce.api.http.Roles.p;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Set;

/**
 * The versioned objects ({@code /sec_policy/{pv}/label_groups|ip_lists|services|rule_sets}). Reads work on any version; writes only on the draft. Rule sets are open to rule set managers
 * (checked per rule set by the use case); the other kinds need admin.
 */
public final class VersionedObjectEndpoints implements EndpointGroup {
    private static final Set<String> VERSIONED = Set.of("label_groups", "ip_lists", "services", "rule_sets",
            "virtual_services");

    private final ObjectService objects;
    private final VersionedReads reads;
    private final Roles roles;
    private final Orgs orgs;

    public VersionedObjectEndpoints(ObjectService objects, VersionedReads reads, Roles roles, Orgs orgs) {
        this.objects = objects;
        this.reads = reads;
        this.roles = roles;
        this.orgs = orgs;
    }

    @Override
    public void addEndpoints() {
        String kinds = "/api/v2/orgs/{org}/sec_policy/{pv}/{kind}";
        get(kinds, roles.read(ctx -> {
            var extra = dev.cordon.pce.api.filters.ExtraFilters.of(kind(ctx).collection(), ctx::queryParam);
            VersionedReads.Listing l = reads.list(orgs.org(ctx), kind(ctx), pv(ctx), filter(ctx),
                    extra == null ? limit(ctx) : Integer.MAX_VALUE);
            if (extra != null) {
                List<JsonNode> matched = l.items().stream().filter(extra).toList();
                l = new VersionedReads.Listing(matched.subList(0, Math.min(limit(ctx), matched.size())), matched.size());
            }
            versionedArray(ctx, Json.write(l.items()), l.total());
        }));
        post(kinds, writeOf(ctx -> {
            draftOnly(ctx);
            created(ctx, objects.create(orgs.org(ctx), kind(ctx), body(ctx, kind(ctx).what()), p(ctx)));
        }));
        get(kinds + "/{id}", roles.read(ctx -> versioned(ctx,
                reads.get(orgs.org(ctx), kind(ctx), pv(ctx), draftHref(ctx)))));
        put(kinds + "/{id}", writeOf(ctx -> {
            draftOnly(ctx);
            objects.update(orgs.org(ctx), kind(ctx), draftHref(ctx), body(ctx, kind(ctx).what()), p(ctx));
            ctx.status(204);
        }));
        delete(kinds + "/{id}", writeOf(ctx -> {
            draftOnly(ctx);
            objects.delete(orgs.org(ctx), kind(ctx), draftHref(ctx), p(ctx));
            ctx.status(204);
        }));
    }

    /** Versioned writes: rule sets are open to rule set managers (checked per rule set); the rest need admin. */
    private Handler writeOf(Handler h) {
        Handler admin = roles.admin(h);
        Handler rs = roles.rulesets(h);
        return ctx -> (kind(ctx) == Kind.RULE_SET ? rs : admin).handle(ctx);
    }

    private static Kind kind(Context ctx) {
        String k = ctx.pathParam("kind");
        if (!VERSIONED.contains(k)) {
            throw ApiException.notFound("No such policy collection '" + k + "': use label_groups, ip_lists, services,"
                    + " virtual_services, rule_sets, enforcement_boundaries or firewall_settings.");
        }
        for (Kind kind : Kind.VERSIONED) if (kind.collection().equals(k)) return kind;
        throw ApiException.notFound("No such policy collection '" + k + "'.");
    }

    private String draftHref(Context ctx) {
        return kind(ctx).base(orgs.org(ctx)) + "/" + ctx.pathParam("id");
    }
}
