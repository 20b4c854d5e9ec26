package dev.cordon.pce.api.policy;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Requests.bodyOrEmpty;
import static dev.cordon.pce.api.http.Requests.draftOnly;
import static dev.cordon.pce.api.http.Requests.limit;
import static dev.cordon.pce.api.http.Requests.pv;
import static dev.cordon.pce.api.http.Responses.created;
import static dev.cordon.pce.api.http.Responses.list;
import static dev.cordon.pce.api.http.Responses.ok;
import static dev.cordon.pce.api.http.Responses.raw;
import static dev.cordon.pce.api.http.Responses.versioned;
import static dev.cordon.pce.api.http.Responses.versionedArray;
import static dev.cordon.pce.api.http.Roles.p;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;
import static io.javalin.apibuilder.ApiBuilder.put;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Requests;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.explain.PolicyCheck;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.policy.PolicyParts;
import io.javalin.apibuilder.EndpointGroup;
import java.util.List;

/**
 * Provisioning and policy versions: the version list, provision, pending changes and revert, import, restore,
 * {@code policy_check}, rule conflicts, export and firewall settings. Literal paths come before {@code {pv}} ones,
 * and this group before the versioned objects ({@code /sec_policy/{pv}/{kind}}).
 */
public final class PolicyEndpoints implements EndpointGroup {
    private final PolicyParts policy;
    private final PolicyCheck policyCheck;
    private final ObjectService objects;
    private final VersionedReads reads;
    private final Roles roles;
    private final Orgs orgs;

    public PolicyEndpoints(PolicyParts policy, PolicyCheck policyCheck, ObjectService objects, VersionedReads reads,
                           Roles roles, Orgs orgs) {
        this.policy = policy;
        this.policyCheck = policyCheck;
        this.objects = objects;
        this.reads = reads;
        this.roles = roles;
        this.orgs = orgs;
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/orgs/{org}/sec_policy", roles.read(ctx -> {
            int org = orgs.org(ctx);
            list(ctx, policy.versions().versions(org, limit(ctx)).stream().map(n -> (JsonNode) n).toList(),
                    policy.versions().versionCount(org));
        }));
        post("/api/v2/orgs/{org}/sec_policy", roles.admin(ctx ->
                created(ctx, policy.provisioning().provision(orgs.org(ctx), bodyOrEmpty(ctx), p(ctx)))));
        get("/api/v2/orgs/{org}/sec_policy/pending", roles.read(ctx -> ok(ctx, policy.provisioning().pending(orgs.org(ctx)))));
        delete("/api/v2/orgs/{org}/sec_policy/pending", roles.admin(ctx -> {
            policy.provisioning().revert(orgs.org(ctx), p(ctx));
            ctx.status(204);
        }));
        post("/api/v2/orgs/{org}/sec_policy/draft/import", roles.admin(ctx ->
                ok(ctx, policy.imports().importDocument(orgs.org(ctx), RequestLimits.body(ctx), p(ctx)))));
        get("/api/v2/orgs/{org}/sec_policy/{pv}", roles.read(ctx -> {
            int org = orgs.org(ctx);
            if ("draft".equals(pv(ctx))) {
                throw ApiException.notFound("The draft is not a provisioned version, so it has no version record: GET"
                        + " /orgs/" + org + "/sec_policy/pending lists its changes, and"
                        + " /orgs/" + org + "/sec_policy/draft/rule_sets (and the other kinds) its objects.");
            }
            long v = policy.documents().resolveVersion(org, pv(ctx));
            ok(ctx, policy.versions().versions(org, Integer.MAX_VALUE).stream()
                    .filter(n -> n.get("version").asLong() == v).findFirst().orElseThrow());
        }));
        post("/api/v2/orgs/{org}/sec_policy/{pv}/restore", roles.admin(ctx ->
                created(ctx, policy.provisioning().restore(orgs.org(ctx), pv(ctx), p(ctx)))));
        get("/api/v2/orgs/{org}/sec_policy/{pv}/policy_check", roles.read(ctx ->
                raw(ctx, 200, policyCheck.check(orgs.org(ctx), pv(ctx), Requests.queryMap(ctx)))));
        get("/api/v2/orgs/{org}/sec_policy/{pv}/rule_conflicts", roles.read(ctx -> {
            List<?> all = policy.engines().engine(orgs.org(ctx), pv(ctx)).conflicts();
            versionedArray(ctx, Json.write(all.subList(0, Math.min(limit(ctx), all.size()))), all.size());
        }));
        get("/api/v2/orgs/{org}/sec_policy/{pv}/export", roles.read(ctx ->
                raw(ctx, 200, policy.imports().export(orgs.org(ctx), pv(ctx)))));
        get("/api/v2/orgs/{org}/sec_policy/{pv}/firewall_settings", roles.read(ctx -> versioned(ctx,
                reads.get(orgs.org(ctx), Kind.FIREWALL_SETTINGS, pv(ctx), PolicyHrefs.settingsHref(orgs.org(ctx))))));
        put("/api/v2/orgs/{org}/sec_policy/{pv}/firewall_settings", roles.admin(ctx -> {
            draftOnly(ctx);
            int org = orgs.org(ctx);
            objects.update(org, Kind.FIREWALL_SETTINGS, PolicyHrefs.settingsHref(org), body(ctx, "firewall settings"), p(ctx));
            ctx.status(204);
        }));
    }
}
