package dev.cordon.pce.api.rulesets;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Requests.draftOnly;
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
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import java.util.List;

/**
 * The rules nested in rule sets ({@code /sec_policy/{pv}/rule_sets/{id}/sec_rules|deny_rules|...}): reads on any
 * version, writes on the draft, open to rule set managers (the use case checks their scopes).
 */
public final class RuleEndpoints implements EndpointGroup {
    private final NestedRules rules;
    private final Roles roles;
    private final Orgs orgs;

    public RuleEndpoints(NestedRules rules, Roles roles, Orgs orgs) {
        this.rules = rules;
        this.roles = roles;
        this.orgs = orgs;
    }

    @Override
    public void addEndpoints() {
        String rs = "/api/v2/orgs/{org}/sec_policy/{pv}/rule_sets/{id}/{rules}";
        get(rs, roles.read(ctx -> {
            List<JsonNode> all = rules.list(orgs.org(ctx), pv(ctx), ruleSetHref(ctx), ctx.pathParam("rules"));
            versionedArray(ctx, Json.write(all.subList(0, Math.min(limit(ctx), all.size()))), all.size());
        }));
        post(rs, roles.rulesets(ctx -> {
            draftOnly(ctx);
            created(ctx, rules.create(orgs.org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), body(ctx, "rule"), p(ctx)));
        }));
        get(rs + "/{rid}", roles.read(ctx -> versioned(ctx, rules.get(orgs.org(ctx), pv(ctx), ruleSetHref(ctx),
                ctx.pathParam("rules"), ruleHref(ctx)))));
        put(rs + "/{rid}", roles.rulesets(ctx -> {
            draftOnly(ctx);
            rules.update(orgs.org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), ruleHref(ctx), body(ctx, "rule"), p(ctx));
            ctx.status(204);
        }));
        delete(rs + "/{rid}", roles.rulesets(ctx -> {
            draftOnly(ctx);
            rules.delete(orgs.org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), ruleHref(ctx), p(ctx));
            ctx.status(204);
        }));
    }

    private String ruleSetHref(Context ctx) {
        return Kind.RULE_SET.base(orgs.org(ctx)) + "/" + ctx.pathParam("id");
    }

    private String ruleHref(Context ctx) {
        NestedRules.nested(ctx.pathParam("rules"));
        return ruleSetHref(ctx) + "/" + ctx.pathParam("rules") + "/" + ctx.pathParam("rid");
    }
}
