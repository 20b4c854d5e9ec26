package dev.cordon.pce.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.api.kit.ApiGroup;
import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.api.objects.VersionedReads;
import dev.cordon.pce.api.rulesets.NestedRules;
import dev.cordon.pce.api.workloads.WorkloadView;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.throttle.AuthThrottle;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.explain.PolicyCheck;
import dev.cordon.pce.provision.PolicyService;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Page;
import dev.cordon.pce.store.EventRow;
import dev.cordon.pce.ven.VenService;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every route of the REST API, declared here and nowhere else, with the role each needs; and the one place where
 * typed errors become responses ({@code 406 [{"token","message"}]}, 401, 403, 404, 429 and 503 with
 * {@code Retry-After}). VEN credentials (activation codes, agent tokens) are throttled here, API keys in
 * {@link AccessControl}. Handlers are thin: parse the
 * request, call one use case, write its value.
 *
 * <p>Roles per route: {@code read} (any role), {@code admin} (owner or admin), {@code owner}, {@code rulesets}
 * (admin, or a rule set manager whose scopes the use case then checks), {@code self} (any role; the use case decides).
 */
public final class Routes {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final String P = dev.cordon.pce.api.kit.Guard.PRINCIPAL;
    private static final Set<String> VERSIONED = Set.of("label_groups", "ip_lists", "services", "rule_sets",
            "virtual_services");

    private final AccessControl access;
    private final ObjectService objects;
    private final VersionedReads reads;
    private final NestedRules rules;
    private final PolicyService policy;
    private final PolicyCheck policyCheck;
    private final Events events;
    private final VenService vens;
    private final WorkloadView workloads;
    private final Store store;
    private final Throttles throttles;
    private final ClientSource sources;
    private final List<ApiGroup> groups = new java.util.ArrayList<>();

    public Routes(AccessControl access, ObjectService objects, VersionedReads reads, NestedRules rules,
                  PolicyService policy, PolicyCheck policyCheck, Events events, VenService vens,
                  WorkloadView workloads, Store store, Throttles throttles, ClientSource sources) {
        this.throttles = throttles;
        this.sources = sources;
        this.access = access;
        this.objects = objects;
        this.reads = reads;
        this.rules = rules;
        this.policy = policy;
        this.policyCheck = policyCheck;
        this.events = events;
        this.vens = vens;
        this.workloads = workloads;
        this.store = store;
    }

    /** Adds a group of routes of its own class; registered before the routes here, in the order added. */
    public Routes add(ApiGroup group) {
        groups.add(group);
        return this;
    }

    public void register(Javalin app) {
        errors(app);
        app.before("/api/v2/*", this::authenticate);
        groups.forEach(g -> g.register(app));

        app.get("/api/v2/health", ctx -> ctx.json(Map.of("status", "ok")));

        // users, API keys, permissions
        app.get("/api/v2/users", role(ctx -> list(ctx, access.users()), Principal::isAdmin,
                "Listing users needs the owner or admin role; GET /users/<your id> shows your own."));
        app.post("/api/v2/users", owner(ctx -> created(ctx, access.createUser(p(ctx), body(ctx, "user")))));
        // Cordon's own: who the caller is, with its roles (the console asks this at sign-in)
        app.get("/api/v2/users/me", self(ctx -> {
            ObjectNode me = access.user(p(ctx).href()).deepCopy();
            ArrayNode roles = me.putArray("roles");
            for (Principal.Grant g : p(ctx).grants()) {
                ObjectNode r = roles.addObject();
                r.putObject("role").put("href", "/roles/" + g.role());
                ArrayNode scope = r.putArray("scope");
                g.scope().forEach(l -> scope.addObject().putObject("label").put("href", l));
                if (g.coverage() != null) r.put("scope_coverage", g.coverage());
            }
            ok(ctx, me);
        }));
        app.get("/api/v2/users/{id}", self(ctx -> {
            String href = "/users/" + ctx.pathParam("id");
            if (!href.equals(p(ctx).href()) && !p(ctx).isAdmin()) throw access.denied(p(ctx), "GET " + href, "Only an owner or admin may read other users.");
            ok(ctx, access.user(href));
        }));
        app.get("/api/v2/users/{id}/api_keys", self(ctx -> list(ctx, iter(access.apiKeys(p(ctx), "/users/" + ctx.pathParam("id"))))));
        app.post("/api/v2/users/{id}/api_keys", self(ctx ->
                created(ctx, access.createApiKey(p(ctx), "/users/" + ctx.pathParam("id"), body(ctx, "API key")))));
        app.delete("/api/v2/users/{id}/api_keys/{key}", self(ctx -> {
            String user = "/users/" + ctx.pathParam("id");
            access.deleteApiKey(p(ctx), user, user + "/api_keys/" + ctx.pathParam("key"));
            ctx.status(204);
        }));
        app.post("/api/v2/orgs/{org}/api_keys", self(ctx -> created(ctx, access.createApiKey(p(ctx), p(ctx).href(), bodyOrEmpty(ctx)))));
        app.get("/api/v2/orgs/{org}/permissions", read(ctx -> list(ctx, access.permissions(org(ctx)))));
        app.post("/api/v2/orgs/{org}/permissions", owner(ctx -> created(ctx, access.createPermission(p(ctx), org(ctx), body(ctx, "permission")))));
        app.delete("/api/v2/orgs/{org}/permissions/{id}", owner(ctx -> {
            access.deletePermission(p(ctx), org(ctx), "/orgs/" + org(ctx) + "/permissions/" + ctx.pathParam("id"));
            ctx.status(204);
        }));
        app.get("/api/v2/roles", read(ctx -> {
            ArrayNode a = Json.array();
            Principal.ROLES.forEach(r -> a.add(Json.ref("/roles/" + r).put("name", r)));
            list(ctx, iter(a));
        }));

        // non-versioned objects
        crud(app, Kind.LABEL);
        crud(app, Kind.WORKLOAD);
        crud(app, VenService.PAIRING_PROFILE);
        app.post("/api/v2/orgs/{org}/pairing_profiles/{id}/pairing_key", admin(ctx ->
                created(ctx, vens.pairingKey(org(ctx), "/orgs/" + org(ctx) + "/pairing_profiles/" + ctx.pathParam("id"), p(ctx)))));
        app.get("/api/v2/orgs/{org}/vens", read(ctx ->
                listShown(ctx, VenService.VEN, VEN_FIELD_FILTERS, v -> vens.view(org(ctx), v))));
        app.get("/api/v2/orgs/{org}/vens/{id}", read(ctx -> ok(ctx, vens.view(org(ctx), Json.parse(
                store.objects().get(org(ctx), VenService.VEN, venHref(ctx)).orElseThrow(() -> ApiException.notFound("No VEN " + venHref(ctx) + ".")))))));
        app.put("/api/v2/orgs/{org}/vens/unpair", admin(ctx -> {
            JsonNode body = Json.parseObject(RequestLimits.body(ctx), "unpair request");
            Json.onlyFields(body, Set.of("vens", "firewall_restore"), "unpair request");
            List<String> hrefs = new java.util.ArrayList<>();
            for (JsonNode v : body.path("vens")) {
                if (!v.path("href").isTextual()) {
                    throw ApiException.invalid("invalid_ven_reference", "Each entry of vens is {\"href\": \"/orgs/"
                            + org(ctx) + "/vens/<uuid>\"}, not " + v + ".");
                }
                hrefs.add(v.path("href").asText());
            }
            vens.unpair(org(ctx), hrefs, body.path("firewall_restore").asText("default"), p(ctx));
            ctx.status(204);
        }));
        app.put("/api/v2/orgs/{org}/vens/{id}", admin(ctx -> {
            vens.update(org(ctx), venHref(ctx), body(ctx, "VEN"), p(ctx));
            ctx.status(204);
        }));
        app.delete("/api/v2/orgs/{org}/vens/{id}", admin(ctx -> {
            vens.unpair(org(ctx), List.of(venHref(ctx)), "default", p(ctx));
            ctx.status(204);
        }));
        app.get("/api/v2/orgs/{org}/events", read(ctx -> {
            EventRow.Page page = events.query(org(ctx), ctx.queryParam("event_type"), ctx.queryParam("severity"),
                    ctx.queryParam("timestamp[gte]"), ctx.queryParam("timestamp[lte]"), limit(ctx));
            list(ctx, page.rows().stream().map(r -> Json.parse(r.body())).toList(), page.total());
        }));

        app.get("/api/v2/orgs/{org}/events/{id}", read(ctx -> ok(ctx, events.get(org(ctx),
                "/orgs/" + org(ctx) + "/events/" + ctx.pathParam("id")))));

        // provisioning and versions (literal paths before {pversion} ones)
        app.get("/api/v2/orgs/{org}/sec_policy", read(ctx -> list(ctx, policy.versions(org(ctx), limit(ctx))
                .stream().map(n -> (JsonNode) n).toList(), policy.versionCount(org(ctx)))));
        app.post("/api/v2/orgs/{org}/sec_policy", admin(ctx -> created(ctx, policy.provision(org(ctx), bodyOrEmpty(ctx), p(ctx)))));
        app.get("/api/v2/orgs/{org}/sec_policy/pending", read(ctx -> ok(ctx, policy.pending(org(ctx)))));
        app.delete("/api/v2/orgs/{org}/sec_policy/pending", admin(ctx -> {
            policy.revert(org(ctx), p(ctx));
            ctx.status(204);
        }));
        app.post("/api/v2/orgs/{org}/sec_policy/draft/import", admin(ctx -> ok(ctx, policy.importDocument(org(ctx), RequestLimits.body(ctx), p(ctx)))));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}", read(ctx -> {
            if ("draft".equals(pv(ctx))) {
                throw ApiException.notFound("The draft is not a provisioned version, so it has no version record: GET"
                        + " /orgs/" + org(ctx) + "/sec_policy/pending lists its changes, and"
                        + " /orgs/" + org(ctx) + "/sec_policy/draft/rule_sets (and the other kinds) its objects.");
            }
            long v = policy.resolveVersion(org(ctx), pv(ctx));
            ok(ctx, policy.versions(org(ctx), Integer.MAX_VALUE).stream()
                    .filter(n -> n.get("version").asLong() == v).findFirst().orElseThrow());
        }));
        app.post("/api/v2/orgs/{org}/sec_policy/{pv}/restore", admin(ctx -> created(ctx, policy.restore(org(ctx), pv(ctx), p(ctx)))));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/policy_check", read(ctx -> raw(ctx, 200,
                policyCheck.check(org(ctx), pv(ctx), queryMap(ctx)))));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/rule_conflicts", read(ctx -> {
            List<?> all = policy.engine(org(ctx), pv(ctx)).conflicts();
            raw(ctx.header("X-Total-Count", Integer.toString(all.size())), 200, PolicyService.rewrite(
                    Json.write(all.subList(0, Math.min(limit(ctx), all.size()))), pv(ctx)));
        }));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/export", read(ctx -> raw(ctx, 200, policy.export(org(ctx), pv(ctx)))));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/firewall_settings", read(ctx -> versioned(ctx,
                reads.get(org(ctx), Kind.FIREWALL_SETTINGS, pv(ctx), PolicyService.settingsHref(org(ctx))))));
        app.put("/api/v2/orgs/{org}/sec_policy/{pv}/firewall_settings", admin(ctx -> {
            draftOnly(ctx);
            objects.update(org(ctx), Kind.FIREWALL_SETTINGS, PolicyService.settingsHref(org(ctx)), body(ctx, "firewall settings"), p(ctx));
            ctx.status(204);
        }));

        // versioned objects
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/{kind}", read(ctx -> {
            var extra = dev.cordon.pce.api.filters.ExtraFilters.of(kind(ctx).collection(), ctx::queryParam);
            VersionedReads.Listing l = reads.list(org(ctx), kind(ctx), pv(ctx), filter(ctx), extra == null ? limit(ctx) : Integer.MAX_VALUE);
            if (extra != null) {
                List<JsonNode> matched = l.items().stream().filter(extra).toList();
                l = new VersionedReads.Listing(matched.subList(0, Math.min(limit(ctx), matched.size())), matched.size());
            }
            raw(ctx.header("X-Total-Count", Long.toString(l.total())), 200, PolicyService.rewrite(Json.write(l.items()), pv(ctx)));
        }));
        app.post("/api/v2/orgs/{org}/sec_policy/{pv}/{kind}", writeOf(ctx -> {
            draftOnly(ctx);
            created(ctx, objects.create(org(ctx), kind(ctx), body(ctx, kind(ctx).what()), p(ctx)));
        }));
        app.get("/api/v2/orgs/{org}/sec_policy/{pv}/{kind}/{id}", read(ctx -> versioned(ctx,
                reads.get(org(ctx), kind(ctx), pv(ctx), draftHref(ctx)))));
        app.put("/api/v2/orgs/{org}/sec_policy/{pv}/{kind}/{id}", writeOf(ctx -> {
            draftOnly(ctx);
            objects.update(org(ctx), kind(ctx), draftHref(ctx), body(ctx, kind(ctx).what()), p(ctx));
            ctx.status(204);
        }));
        app.delete("/api/v2/orgs/{org}/sec_policy/{pv}/{kind}/{id}", writeOf(ctx -> {
            draftOnly(ctx);
            objects.delete(org(ctx), kind(ctx), draftHref(ctx), p(ctx));
            ctx.status(204);
        }));

        // rules nested in rule sets
        String rs = "/api/v2/orgs/{org}/sec_policy/{pv}/rule_sets/{id}/{rules}";
        app.get(rs, read(ctx -> {
            List<JsonNode> all = rules.list(org(ctx), pv(ctx), ruleSetHref(ctx), ctx.pathParam("rules"));
            List<JsonNode> page = all.subList(0, Math.min(limit(ctx), all.size()));
            raw(ctx.header("X-Total-Count", Integer.toString(all.size())), 200,
                    PolicyService.rewrite(Json.write(page), pv(ctx)));
        }));
        app.post(rs, rulesets(ctx -> {
            draftOnly(ctx);
            created(ctx, rules.create(org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), body(ctx, "rule"), p(ctx)));
        }));
        app.get(rs + "/{rid}", read(ctx -> versioned(ctx, rules.get(org(ctx), pv(ctx), ruleSetHref(ctx),
                ctx.pathParam("rules"), ruleHref(ctx)))));
        app.put(rs + "/{rid}", rulesets(ctx -> {
            draftOnly(ctx);
            rules.update(org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), ruleHref(ctx), body(ctx, "rule"), p(ctx));
            ctx.status(204);
        }));
        app.delete(rs + "/{rid}", rulesets(ctx -> {
            draftOnly(ctx);
            rules.delete(org(ctx), ruleSetHref(ctx), ctx.pathParam("rules"), ruleHref(ctx), p(ctx));
            ctx.status(204);
        }));

        // the VEN protocol (agent tokens, not API keys)
        app.post("/api/v2/ven/activate", ctx -> created(ctx, activate(ctx)));
        app.get("/api/v2/ven/policy", ctx -> {
            VenService.Agent agent = agent(ctx);
            int wait = intParam(ctx, "wait_seconds", 0, 0, 300);
            Endpoint endpoint = new Endpoint(ctx.req().getLocalAddr(), ctx.req().getLocalPort());
            // asked before ctx.future, so a refused park (503, node full) is answered like any error
            var answer = vens.poll(agent, ctx.queryParam("known_hash"), wait, endpoint);
            ctx.future(() -> answer.thenAccept(json -> {
                if (json == null) ctx.status(304);
                else ctx.status(200).contentType("application/json").result(json);
            }));
        });
        app.post("/api/v2/ven/heartbeat", ctx -> {
            vens.heartbeat(agent(ctx), Json.parseBody(RequestLimits.body(ctx), "heartbeat"));
            ctx.status(204);
        });
        app.post("/api/v2/ven/events", ctx -> {
            vens.agentEvents(agent(ctx), Json.parseBody(RequestLimits.body(ctx), "agent events"));
            ctx.status(204);
        });
    }

    /** GET list / POST / GET one / PUT / DELETE for a non-versioned kind; writes need admin. */
    private void crud(Javalin app, Kind k) {
        String base = "/api/v2/orgs/{org}/" + k.collection();
        app.get(base, read(ctx -> listShown(ctx, k.kind(), k == Kind.WORKLOAD ? WORKLOAD_FIELD_FILTERS : Map.of(),
                stored -> view(ctx, k, stored))));
        app.post(base, admin(ctx -> created(ctx, view(ctx, k, objects.create(org(ctx), k, body(ctx, k.what()), p(ctx))))));
        app.get(base + "/{id}", read(ctx -> ok(ctx, view(ctx, k, objects.get(org(ctx), k, href(ctx, k))))));
        app.put(base + "/{id}", admin(ctx -> {
            objects.update(org(ctx), k, href(ctx, k), body(ctx, k.what()), p(ctx));
            ctx.status(204);
        }));
        app.delete(base + "/{id}", admin(ctx -> {
            objects.delete(org(ctx), k, href(ctx, k), p(ctx));
            ctx.status(204);
        }));
    }

    /**
     * A collection of a kind, each object as {@code view} shows it. The column filters page in the database; field
     * filters (when the request names any) are applied to the shown objects, so their count is the total.
     */
    private void listShown(Context ctx, String kind, Map<String, Set<String>> fields,
                           java.util.function.Function<JsonNode, JsonNode> view) {
        java.util.function.Predicate<JsonNode> match = fieldFilter(ctx, fields);
        Filter columns = filter(ctx);
        if (kind.equals(Kind.LABEL.kind()) && columns.value() != null) {
            // Illumio's label value filter is partial: matched on the objects, not the exact-value column
            var partial = dev.cordon.pce.api.filters.ExtraFilters.of("labels", ctx::queryParam);
            match = match == null ? partial : match.and(partial);
            columns = new Filter(columns.name(), columns.hostname(), columns.key(), null,
                    columns.externalDataSet(), columns.externalDataReference());
        }
        Page page = store.objects().list(org(ctx), kind, columns, match == null ? limit(ctx) : Integer.MAX_VALUE);
        java.util.stream.Stream<JsonNode> shown = page.rows().stream().map(r -> view.apply(Json.parse(r.body())));
        if (match == null) list(ctx, shown.toList(), page.total());
        else list(ctx, shown.filter(match).toList());
    }

    private JsonNode view(Context ctx, Kind k, JsonNode stored) {
        return k == Kind.WORKLOAD ? workloads.view(org(ctx), stored) : stored;
    }

    // ---- errors, in one place ----

    private void errors(Javalin app) {
        app.exception(ApiException.class, (e, ctx) -> {
            if (e.status() == 401) ctx.header("WWW-Authenticate", "Basic realm=\"cordon\"");
            if (e.retryAfterSeconds() > 0) ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            raw(ctx, e.status(), Json.write(e.errors()));
        });
        app.exception(PolicyException.class, (e, ctx) -> raw(ctx, 406, Json.write(e.errors())));
        app.exception(HttpResponseException.class, (e, ctx) -> raw(ctx, e.getStatus(), Json.write(List.of(
                new ValidationError(e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(), e.getMessage())))));
        app.exception(dev.cordon.pce.store.StoreUnavailableException.class, (e, ctx) -> {
            LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "5");
            raw(ctx, 503, Json.write(List.of(new ValidationError("database_unavailable", e.getMessage()))));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
            raw(ctx, 500, Json.write(List.of(new ValidationError("internal_error",
                    "The PCE failed to handle this request; the server log has the details."))));
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                raw(ctx, 404, Json.write(List.of(new ValidationError("not_found", "No such path: " + ctx.method()
                        + " " + ctx.path() + ". See API.md for the paths."))));
            }
        });
    }

    // ---- authentication and roles ----

    private void authenticate(Context ctx) {
        String path = ctx.path();
        if (path.equals("/api/v2/health") || path.startsWith("/api/v2/ven/")) return;
        ctx.attribute(P, access.authenticate(ctx.header("Authorization"), sources.of(ctx)));
    }

    /** Activation, throttled per source: an activation code has no id of its own to count under. */
    private ObjectNode activate(Context ctx) {
        AuthThrottle throttle = throttles.activationCodes();
        String src = ctx.ip();
        ApiException locked = throttle.refusal(src, null);
        if (locked != null) throw locked;
        JsonNode body = Json.parseBody(RequestLimits.body(ctx), "activation request");
        try {
            return vens.activate(body, src);
        } catch (ApiException e) {
            if (e.status() == 401) {
                String reason = e.errors().get(0).message();
                if (e.failure() != null) throttle.failed(src, null, null, reason);
                else throttles.log().failed("activation_code", src, null, reason);
            }
            throw e;
        }
    }

    /** The VEN of a request's agent token, throttled per source and per token id. */
    private VenService.Agent agent(Context ctx) {
        String header = ctx.header("Authorization");
        String id = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).trim();
            int dot = token.indexOf('.');
            if (dot > 0 && dot <= 64) id = token.substring(0, dot);
        }
        AuthThrottle throttle = throttles.agentTokens();
        String src = ctx.ip();
        ApiException locked = throttle.refusal(src, id);
        if (locked != null) throw locked;
        try {
            VenService.Agent a = vens.authenticate(header);
            throttle.succeeded(src, id);
            return a;
        } catch (ApiException e) {
            if (e.failure() != null) {
                throttle.failed(src, e.failure() == ApiException.Failure.WRONG_SECRET ? id : null, id,
                        e.errors().get(0).message());
            }
            throw e;
        }
    }

    private static Principal p(Context ctx) {
        return ctx.attribute(P);
    }

    private Handler read(Handler h) {
        return role(h, Principal::canRead, "Your API key has no role in this org: ask an owner for a permission.");
    }

    private Handler self(Handler h) {
        return read(h);
    }

    private Handler admin(Handler h) {
        return role(h, Principal::isAdmin, "This change needs the owner or admin role; your role may only read"
                + " (or, as a rule set manager, write rule sets within your scopes).");
    }

    private Handler owner(Handler h) {
        return role(h, Principal::isOwner, "Only an owner may manage users and permissions.");
    }

    private Handler rulesets(Handler h) {
        return role(h, pr -> pr.isAdmin() || !pr.rulesetScopes().isEmpty(), "Changing rule sets needs the admin role"
                + " or a ruleset_manager permission.");
    }

    /** Versioned writes: rule sets are open to rule set managers (checked per rule set); the rest need admin. */
    private Handler writeOf(Handler h) {
        Handler admin = admin(h);
        Handler rs = rulesets(h);
        return ctx -> (kind(ctx) == Kind.RULE_SET ? rs : admin).handle(ctx);
    }

    private Handler role(Handler h, java.util.function.Predicate<Principal> allowed, String message) {
        return ctx -> {
            Principal pr = p(ctx);
            if (!allowed.test(pr)) throw access.denied(pr, ctx.method() + " " + ctx.path(), message);
            h.handle(ctx);
        };
    }

    // ---- request parsing ----

    private int org(Context ctx) {
        int org;
        try {
            org = Integer.parseInt(ctx.pathParam("org"));
        } catch (NumberFormatException e) {
            throw ApiException.notFound("No org '" + ctx.pathParam("org") + "': orgs are numbered (org 1 exists).");
        }
        if (!store.orgs().exists(org)) throw ApiException.notFound("No org " + org + ".");
        return org;
    }

    private static String pv(Context ctx) {
        return ctx.pathParam("pv");
    }

    private static void draftOnly(Context ctx) {
        if (!pv(ctx).equals("draft")) {
            throw ApiException.invalid("policy_version_read_only", "Policy version '" + pv(ctx) + "' is read-only:"
                    + " make changes under /orgs/" + ctx.pathParam("org") + "/sec_policy/draft/... and provision them.");
        }
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

    private String href(Context ctx, Kind k) {
        return k.base(org(ctx)) + "/" + ctx.pathParam("id");
    }

    private String draftHref(Context ctx) {
        return kind(ctx).base(org(ctx)) + "/" + ctx.pathParam("id");
    }

    private String ruleSetHref(Context ctx) {
        return Kind.RULE_SET.base(org(ctx)) + "/" + ctx.pathParam("id");
    }

    private String ruleHref(Context ctx) {
        NestedRules.nested(ctx.pathParam("rules"));
        return ruleSetHref(ctx) + "/" + ctx.pathParam("rules") + "/" + ctx.pathParam("rid");
    }

    private String venHref(Context ctx) {
        return "/orgs/" + org(ctx) + "/vens/" + ctx.pathParam("id");
    }

    private static JsonNode body(Context ctx, String what) {
        return Json.parseBody(RequestLimits.body(ctx), what);
    }

    private static JsonNode bodyOrEmpty(Context ctx) {
        String b = RequestLimits.body(ctx);
        return b == null || b.isBlank() ? Json.object() : Json.parseObject(b, "request");
    }

    /** Filters on a field of the object as shown (query parameter = field name → the values it may take). */
    private static final Map<String, Set<String>> WORKLOAD_FIELD_FILTERS = Map.of(
            "managed", Set.of("true", "false"),
            "enforcement_mode", Set.of("idle", "visibility_only", "selective", "full"),
            "os_type", Set.of());
    private static final Map<String, Set<String>> VEN_FIELD_FILTERS = Map.of(
            "status", Set.of("active", "suspended"),
            "ven_type", Set.of("server", "endpoint"));

    /**
     * The objects the field filters of the request keep, or null when it names none. A value outside the allowed
     * ones is a 406 (an empty set allows any value), so a misspelt filter never silently returns everything.
     */
    private static java.util.function.Predicate<JsonNode> fieldFilter(Context ctx, Map<String, Set<String>> fields) {
        java.util.function.Predicate<JsonNode> all = null;
        for (Map.Entry<String, Set<String>> f : new java.util.TreeMap<>(fields).entrySet()) {
            String want = ctx.queryParam(f.getKey());
            if (want == null) continue;
            if (!f.getValue().isEmpty() && !f.getValue().contains(want)) {
                throw ApiException.invalid("invalid_" + f.getKey(), f.getKey() + " '" + want + "' is not known: use one of "
                        + String.join(", ", new java.util.TreeSet<>(f.getValue())) + ".");
            }
            String field = f.getKey();
            java.util.function.Predicate<JsonNode> one = n -> n.path(field).isValueNode() && want.equals(n.path(field).asText());
            all = all == null ? one : all.and(one);
        }
        return all;
    }

    private static Filter filter(Context ctx) {
        return new Filter(ctx.queryParam("name"), ctx.queryParam("hostname"), ctx.queryParam("key"),
                ctx.queryParam("value"), ctx.queryParam("external_data_set"), ctx.queryParam("external_data_reference"));
    }

    private static int limit(Context ctx) {
        // an asynchronous read is for the whole collection (Illumio's jobs have no 500 cap)
        int dflt = dev.cordon.pce.api.jobs.AsyncCollections.wanted(ctx) ? Integer.MAX_VALUE : 500;
        return intParam(ctx, "max_results", dflt, 0, Integer.MAX_VALUE);
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid_" + name, name + " must be a whole number from " + min + " to " + max
                    + ", not '" + v + "'.");
        }
    }

    private static Map<String, String> queryMap(Context ctx) {
        Map<String, String> m = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty() && !v.get(0).isEmpty()) m.put(k, v.get(0));
        });
        return m;
    }

    // ---- responses ----

    private static void raw(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }

    private static void ok(Context ctx, JsonNode n) {
        raw(ctx, 200, n.toString());
    }

    private static void versioned(Context ctx, JsonNode n) {
        raw(ctx, 200, PolicyService.rewrite(n.toString(), pv(ctx)));
    }

    private static void created(Context ctx, JsonNode n) {
        raw(ctx, 201, n.toString());
    }

    private static List<JsonNode> iter(ArrayNode a) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        a.forEach(out::add);
        return out;
    }

    private static void list(Context ctx, List<JsonNode> items) {
        int limit = limit(ctx);
        list(ctx, items.subList(0, Math.min(limit, items.size())), items.size());
    }

    private static void list(Context ctx, List<JsonNode> items, long total) {
        ctx.header("X-Total-Count", Long.toString(total));
        raw(ctx, 200, Json.write(items));
    }
}
