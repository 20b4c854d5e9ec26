package dev.cordon.pce.api.boundaries;

import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.kit.Guard;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyHrefs;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code /orgs/{org}/sec_policy/{pversion}/enforcement_boundaries[/{id}]}: any role reads any version; owner or admin
 * writes the draft (a boundary is org-wide, so a rule set manager's scopes never cover one).
 */
public final class EnforcementBoundaryEndpoints implements ApiGroup {
    private final Guard guard;
    private final EnforcementBoundaries boundaries;

    public EnforcementBoundaryEndpoints(Guard guard, EnforcementBoundaries boundaries) {
        this.guard = guard;
        this.boundaries = boundaries;
    }

    @Override
    public void hooks(Javalin app) {
        app.before("/api/v2/orgs/{org}/sec_policy", ctx -> {
            if (ctx.method() == io.javalin.http.HandlerType.POST) provisionAsRuleSet(ctx);
        });
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/sec_policy/{pv}/enforcement_boundaries", guard.read(ctx -> {
            var all = boundaries.list(guard.org(ctx), pv(ctx), ctx.queryParam("name"));
            int limit = limit(ctx);
            ctx.header("X-Total-Count", Integer.toString(all.size()));
            Guard.json(ctx, 200, PolicyHrefs.rewrite(Json.write(all.subList(0, Math.min(limit, all.size()))), pv(ctx)));
        }));
        post("/api/v2/orgs/{org}/sec_policy/{pv}/enforcement_boundaries", guard.admin(ctx -> {
            draftOnly(ctx);
            Guard.json(ctx, 201, boundaries.create(guard.org(ctx), body(ctx), Guard.principal(ctx)).toString());
        }));
        get("/api/v2/orgs/{org}/sec_policy/{pv}/enforcement_boundaries/{id}", guard.read(ctx -> Guard.json(ctx, 200, PolicyHrefs.rewrite(
                boundaries.get(guard.org(ctx), pv(ctx), ctx.pathParam("id")).toString(), pv(ctx)))));
        put("/api/v2/orgs/{org}/sec_policy/{pv}/enforcement_boundaries/{id}", guard.admin(ctx -> {
            draftOnly(ctx);
            boundaries.update(guard.org(ctx), ctx.pathParam("id"), body(ctx), Guard.principal(ctx));
            ctx.status(204);
        }));
        delete("/api/v2/orgs/{org}/sec_policy/{pv}/enforcement_boundaries/{id}", guard.admin(ctx -> {
            draftOnly(ctx);
            boundaries.delete(guard.org(ctx), ctx.pathParam("id"), Guard.principal(ctx));
            ctx.status(204);
        }));
    }

    /**
     * Provisioning a boundary ({@code change_subset.enforcement_boundaries}, as the SDK's changeset names it) is
     * provisioning the rule set it lives in: the request is rewritten before the provision handler reads it. A body
     * that is not a JSON object is left for that handler to refuse.
     */
    private void provisionAsRuleSet(Context ctx) {
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = Json.parseBody(RequestLimits.body(ctx), "provision request");
        } catch (ApiException e) {
            return;
        }
        if (!(body.path("change_subset") instanceof com.fasterxml.jackson.databind.node.ObjectNode subset)
                || !subset.path("enforcement_boundaries").isArray()) {
            return;
        }
        int org = guard.org(ctx);
        com.fasterxml.jackson.databind.node.ArrayNode ruleSets = subset.withArray("rule_sets");
        for (com.fasterxml.jackson.databind.JsonNode b : subset.get("enforcement_boundaries")) {
            String rs = boundaries.ruleSetOf(org, b.path("href").asText(""));
            if (rs == null) {
                throw ApiException.invalid("invalid_change_subset", "change_subset.enforcement_boundaries names " + b
                        + ", which is not an enforcement boundary href (/orgs/" + org
                        + "/sec_policy/draft/enforcement_boundaries/<id>).");
            }
            boolean listed = false;
            for (com.fasterxml.jackson.databind.JsonNode r : ruleSets) listed |= rs.equals(r.path("href").asText());
            if (!listed) ruleSets.addObject().put("href", rs);
        }
        subset.remove("enforcement_boundaries");
        RequestLimits.replaceBody(ctx, body.toString());
    }

    private static String pv(Context ctx) {
        return ctx.pathParam("pv");
    }

    private static com.fasterxml.jackson.databind.JsonNode body(Context ctx) {
        return Json.parseBody(RequestLimits.body(ctx), "enforcement boundary");
    }

    private static int limit(Context ctx) {
        String v = ctx.queryParam("max_results");
        if (v == null || v.isBlank()) return dev.cordon.pce.api.jobs.AsyncCollections.wanted(ctx) ? Integer.MAX_VALUE : 500;
        return dev.cordon.pce.api.filters.ExtraFilters.number(v, "max_results", 0, Integer.MAX_VALUE);
    }

    private static void draftOnly(Context ctx) {
        if (!pv(ctx).equals("draft")) {
            throw ApiException.invalid("policy_version_read_only", "Policy version '" + pv(ctx) + "' is read-only:"
                    + " make changes under /orgs/" + ctx.pathParam("org") + "/sec_policy/draft/enforcement_boundaries"
                    + " and provision them.");
        }
    }

}
