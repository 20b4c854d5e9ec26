package dev.cordon.pce.api.users;

import static dev.cordon.pce.api.http.Requests.body;
import static dev.cordon.pce.api.http.Requests.bodyOrEmpty;
import static dev.cordon.pce.api.http.Responses.created;
import static dev.cordon.pce.api.http.Responses.iter;
import static dev.cordon.pce.api.http.Responses.list;
import static dev.cordon.pce.api.http.Responses.ok;
import static dev.cordon.pce.api.http.Roles.p;
import static io.javalin.apibuilder.ApiBuilder.delete;
import static io.javalin.apibuilder.ApiBuilder.get;
import static io.javalin.apibuilder.ApiBuilder.post;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.http.Orgs;
import dev.cordon.pce.api.http.Roles;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.Json;
import io.javalin.apibuilder.EndpointGroup;

/** Users, API keys, permissions and roles. */
public final class UserEndpoints implements EndpointGroup {
    private final AccessControl access;
    private final Roles roles;
    private final Orgs orgs;

    public UserEndpoints(AccessControl access, Roles roles, Orgs orgs) {
        this.access = access;
        this.roles = roles;
        this.orgs = orgs;
    }

    @Override
    public void addEndpoints() {
        get("/api/v2/users", roles.role(ctx -> list(ctx, access.users()), Principal::isAdmin,
                "Listing users needs the owner or admin role; GET /users/<your id> shows your own."));
        post("/api/v2/users", roles.owner(ctx -> created(ctx, access.createUser(p(ctx), body(ctx, "user")))));
        // Cordon's own: who the caller is, with its roles (the console asks this at sign-in)
        get("/api/v2/users/me", roles.self(ctx -> {
            ObjectNode me = access.user(p(ctx).href()).deepCopy();
            ArrayNode rs = me.putArray("roles");
            for (Principal.Grant g : p(ctx).grants()) {
                ObjectNode r = rs.addObject();
                r.putObject("role").put("href", "/roles/" + g.role());
                ArrayNode scope = r.putArray("scope");
                g.scope().forEach(l -> scope.addObject().putObject("label").put("href", l));
                if (g.coverage() != null) r.put("scope_coverage", g.coverage());
            }
            ok(ctx, me);
        }));
        get("/api/v2/users/{id}", roles.self(ctx -> {
            String href = "/users/" + ctx.pathParam("id");
            if (!href.equals(p(ctx).href()) && !p(ctx).isAdmin()) {
                throw access.denied(p(ctx), "GET " + href, "Only an owner or admin may read other users.");
            }
            ok(ctx, access.user(href));
        }));
        get("/api/v2/users/{id}/api_keys", roles.self(ctx ->
                list(ctx, iter(access.apiKeys(p(ctx), "/users/" + ctx.pathParam("id"))))));
        post("/api/v2/users/{id}/api_keys", roles.self(ctx ->
                created(ctx, access.createApiKey(p(ctx), "/users/" + ctx.pathParam("id"), body(ctx, "API key")))));
        delete("/api/v2/users/{id}/api_keys/{key}", roles.self(ctx -> {
            String user = "/users/" + ctx.pathParam("id");
            access.deleteApiKey(p(ctx), user, user + "/api_keys/" + ctx.pathParam("key"));
            ctx.status(204);
        }));
        post("/api/v2/orgs/{org}/api_keys", roles.self(ctx ->
                created(ctx, access.createApiKey(p(ctx), p(ctx).href(), bodyOrEmpty(ctx)))));
        get("/api/v2/orgs/{org}/permissions", roles.read(ctx -> list(ctx, access.permissions(orgs.org(ctx)))));
        post("/api/v2/orgs/{org}/permissions", roles.owner(ctx ->
                created(ctx, access.createPermission(p(ctx), orgs.org(ctx), body(ctx, "permission")))));
        delete("/api/v2/orgs/{org}/permissions/{id}", roles.owner(ctx -> {
            int org = orgs.org(ctx);
            access.deletePermission(p(ctx), org, "/orgs/" + org + "/permissions/" + ctx.pathParam("id"));
            ctx.status(204);
        }));
        get("/api/v2/roles", roles.read(ctx -> {
            ArrayNode a = Json.array();
            Principal.ROLES.forEach(r -> a.add(Json.ref("/roles/" + r).put("name", r)));
            list(ctx, iter(a));
        }));
    }
}
