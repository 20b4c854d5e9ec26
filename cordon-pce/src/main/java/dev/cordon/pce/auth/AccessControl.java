package dev.cordon.pce.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.auth.throttle.AuthThrottle;
import dev.cordon.pce.auth.throttle.Sources;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.store.Row;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users, their API keys and their permissions, and authentication of API requests.
 *
 * <p>An API key is {@code auth_username} ({@code api_} + 16 hex) and a secret shown once; only a salted hash of the
 * secret is stored. A permission binds a role to a user ({@code auth_security_principal}); a rule set manager's
 * permission also has a {@code scope} (labels, at most one per key) and a {@code scope_coverage}. A user with
 * several rule set manager permissions has several scopes. Failures to authenticate are throttled and recorded as
 * aggregated {@code request.authentication_failed} events ({@link AuthThrottle}); every denial records
 * {@code request.authorization_failed}.
 */
public final class AccessControl {
    public static final String USER = "user";
    public static final String API_KEY = "api_key";
    public static final String PERMISSION = "permission";
    private static final int ORG = 1;

    private final Store store;
    private final Events events;
    private final Clock clock;
    private final AuthThrottle throttle;

    public AccessControl(Store store, Events events, Clock clock, AuthThrottle throttle) {
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.throttle = throttle;
    }

    /** First start: user 1, owner of org 1, and its first API key; returns the key's "user:secret" line. */
    public String bootstrapOwner() {
        return store.write(() -> {
            long id = store.counters().next(0, "user");
            String href = "/users/" + id;
            ObjectNode user = Json.object().put("href", href).put("username", "owner").put("full_name", "Owner")
                    .put("created_at", Json.now(clock));
            store.objects().put(0, USER, href, user, "owner");
            ObjectNode perm = Json.object();
            perm.put("href", "/orgs/" + ORG + "/permissions/" + store.counters().next(ORG, "permission"));
            perm.set("role", Json.ref("/roles/" + Principal.OWNER));
            perm.putArray("scope");
            perm.set("auth_security_principal", Json.ref(href));
            store.objects().put(ORG, PERMISSION, perm.get("href").asText(), perm, href);
            ObjectNode key = mintKey(href, "owner", "created on first start", Json.ref(href));
            return key.get("auth_username").asText() + ":" + key.get("secret").asText();
        });
    }

    // ---- authentication ----

    /**
     * Authenticates an {@code Authorization: Basic} header; 401 when missing or wrong, 429 while its source (or, from
     * where it is not used, its key) is locked after repeated failures ({@link AuthThrottle}). The owner's right key
     * from a loopback address is never refused, so the owner cannot be locked out of the PCE's own host; its secret
     * is 128 random bits, so checking it while locked gives a guesser nothing to go on.
     */
    public Principal authenticate(String authorization, String srcIp) {
        String user = null;
        String secret = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    user = decoded.substring(0, colon);
                    secret = decoded.substring(colon + 1);
                }
            } catch (IllegalArgumentException e) {
                user = null;
            }
        }
        ApiException locked = throttle.refusal(srcIp, user);
        if (locked != null && !Sources.isLoopback(srcIp)) throw locked;
        if (user == null) {
            fail(locked, srcIp, null, null, "no credentials");
            throw ApiException.unauthorized("Missing or malformed credentials: use HTTP Basic with an API key's"
                    + " auth_username as user and its secret as password.");
        }
        Optional<Row> key = store.objects().findByLookup(API_KEY, user);
        if (key.isEmpty()) {
            fail(locked, srcIp, null, user, "unknown API key");
            throw ApiException.badCredential(ApiException.Failure.UNKNOWN_KEY, "Unknown API key '" + user
                    + "': check the auth_username, or mint a new key.");
        }
        JsonNode k = Json.parse(key.get().body());
        if (!Secrets.matches(Json.text(k, "salt"), secret, Json.text(k, "secret_hash"))) {
            fail(locked, srcIp, user, user, "wrong secret");
            throw ApiException.badCredential(ApiException.Failure.WRONG_SECRET, "Wrong secret for API key '" + user
                    + "': use the secret shown when the key was created, or mint a new key.");
        }
        String userHref = Json.text(k, "user_href");
        Optional<String> u = store.objects().get(0, USER, userHref);
        if (u.isEmpty()) {
            fail(locked, srcIp, null, user, "user removed");
            throw ApiException.unauthorized("The user of API key '" + user + "' no longer exists.");
        }
        Principal p = principalOf(Json.parse(u.get()));
        if (locked != null && !p.isOwner()) throw locked;
        throttle.succeeded(srcIp, user);
        return p;
    }

    /** A failure while locked (only a loopback request is heard then) is answered with the lockout, not counted. */
    private void fail(ApiException locked, String srcIp, String keyId, String shownId, String reason) {
        if (locked != null) throw locked;
        throttle.failed(srcIp, keyId, shownId, reason);
    }

    /** Records a denial and returns the 403 to throw. */
    public ApiException denied(Principal p, String what, String message) {
        ObjectNode info = Json.object().put("request", what).put("message", message);
        // the denial rolls back the use case's transaction; its event must outlive that
        store.afterTransaction(() -> events.record(ORG, "request.authorization_failed", "warning", "failure",
                p.eventActor(), List.of(), info));
        return ApiException.forbidden(message);
    }

    public Principal principalOf(JsonNode user) {
        String href = Json.text(user, "href");
        List<Principal.Grant> grants = new ArrayList<>();
        for (Row r : store.objects().all(ORG, PERMISSION)) {
            JsonNode p = Json.parse(r.body());
            if (!href.equals(p.path("auth_security_principal").path("href").asText())) continue;
            String role = p.path("role").path("href").asText().replace("/roles/", "");
            List<String> scope = new ArrayList<>();
            for (JsonNode s : p.path("scope")) scope.add(s.path("label").path("href").asText());
            grants.add(new Principal.Grant(role, scope, Json.text(p, "scope_coverage")));
        }
        return new Principal(href, Json.text(user, "username"), grants);
    }

    // ---- users ----

    public ObjectNode createUser(Principal by, JsonNode body) {
        Json.onlyFields(body, Set.of("username", "full_name", "description"), "user");
        String username = Json.text(body, "username");
        if (username == null || username.isBlank()) {
            throw ApiException.invalid("username_required", "A user needs a username, e.g. {\"username\": \"alice\"}.");
        }
        return store.write(() -> {
            if (store.objects().all(0, USER).stream().anyMatch(r -> username.equals(Json.text(Json.parse(r.body()), "username")))) {
                throw ApiException.invalid("username_in_use", "A user named '" + username + "' exists: pick another name.");
            }
            String href = "/users/" + store.counters().next(0, "user");
            ObjectNode user = Json.object().put("href", href).put("username", username)
                    .put("full_name", Json.text(body, "full_name")).put("created_at", Json.now(clock));
            user.put("updated_at", user.get("created_at").asText());
            user.set("created_by", by.ref());
            user.set("updated_by", by.ref());
            store.objects().put(0, USER, href, user, username);
            events.record(ORG, "user.create", "info", "success", by.eventActor(),
                    List.of(Events.created(href, user)), null);
            return user;
        });
    }

    public ObjectNode user(String href) {
        return (ObjectNode) Json.parse(store.objects().get(0, USER, href)
                .orElseThrow(() -> ApiException.notFound("No user " + href + ".")));
    }

    public List<JsonNode> users() {
        return store.objects().all(0, USER).stream().map(r -> Json.parse(r.body())).toList();
    }

    // ---- API keys ----

    /**
     * Mints a key for a user: the caller itself, or anyone when the caller is an owner. An admin may not: a key
     * minted for an owner would act as that owner, so an admin could make itself owner.
     */
    public ObjectNode createApiKey(Principal by, String userHref, JsonNode body) {
        Json.onlyFields(body, Set.of("name", "description"), "API key");
        if (!by.href().equals(userHref) && !by.isOwner()) {
            throw denied(by, "POST " + userHref + "/api_keys", "Only an owner may create API keys for another user"
                    + " (a key acts with its user's roles); create your own under " + by.href() + "/api_keys.");
        }
        user(userHref);
        return store.write(() -> {
            ObjectNode key = mintKey(userHref, Json.text(body, "name"), Json.text(body, "description"), by.ref());
            ObjectNode shown = key.deepCopy();
            ObjectNode stored = key.deepCopy();
            stored.remove("secret");
            events.record(ORG, "api_key.create", "info", "success", by.eventActor(),
                    List.of(Events.created(key.get("href").asText(), publicKey(stored))), null);
            return shown;
        });
    }

    private ObjectNode mintKey(String userHref, String name, String description, JsonNode by) {
        String keyId = Secrets.random(8);
        String authUsername = "api_" + Secrets.random(8);
        String secret = Secrets.random(32);
        String salt = Secrets.random(16);
        String href = userHref + "/api_keys/" + keyId;
        ObjectNode stored = Json.object().put("href", href).put("key_id", keyId).put("auth_username", authUsername)
                .put("name", name).put("description", description).put("created_at", Json.now(clock))
                .put("user_href", userHref).put("salt", salt).put("secret_hash", Secrets.hash(salt, secret));
        stored.put("updated_at", stored.get("created_at").asText());
        stored.set("created_by", by);
        stored.set("updated_by", by);
        store.objects().put(0, API_KEY, href, stored, authUsername);
        ObjectNode shown = publicKey(stored);
        shown.put("secret", secret);
        return shown;
    }

    private static ObjectNode publicKey(JsonNode stored) {
        ObjectNode n = Json.object();
        for (String f : List.of("href", "key_id", "auth_username", "name", "description", "created_at", "updated_at",
                "created_by", "updated_by")) {
            if (stored.has(f)) n.set(f, stored.get(f));
        }
        return n;
    }

    public ArrayNode apiKeys(Principal by, String userHref) {
        if (!by.href().equals(userHref) && !by.isOwner()) {
            throw denied(by, "GET " + userHref + "/api_keys", "Only an owner may list another user's API keys.");
        }
        ArrayNode out = Json.array();
        for (Row r : store.objects().all(0, API_KEY)) {
            JsonNode k = Json.parse(r.body());
            if (userHref.equals(Json.text(k, "user_href"))) out.add(publicKey(k));
        }
        return out;
    }

    public void deleteApiKey(Principal by, String userHref, String keyHref) {
        if (!by.href().equals(userHref) && !by.isOwner()) {
            throw denied(by, "DELETE " + keyHref, "Only an owner may delete another user's API keys.");
        }
        store.writeVoid(() -> {
            JsonNode before = Json.parse(store.objects().get(0, API_KEY, keyHref)
                    .orElseThrow(() -> ApiException.notFound("No API key " + keyHref + ".")));
            store.objects().delete(0, API_KEY, keyHref);
            events.record(ORG, "api_key.delete", "info", "success", by.eventActor(),
                    List.of(Events.deleted(keyHref, publicKey(before))), null);
        });
    }

    // ---- permissions ----

    public List<JsonNode> permissions(int org) {
        return store.objects().all(org, PERMISSION).stream().map(r -> Json.parse(r.body())).toList();
    }

    /**
     * {@code {"role":{"href":"/roles/ruleset_manager"},"scope":[{"label":{"href"}}],"auth_security_principal":
     * {"href":"/users/2"},"scope_coverage":"sources_and_destinations"|"sources_only"}}; owner only.
     */
    public ObjectNode createPermission(Principal by, int org, JsonNode body) {
        Json.onlyFields(body, Set.of("role", "scope", "auth_security_principal", "scope_coverage"), "permission");
        String role = body.path("role").path("href").asText("").replace("/roles/", "");
        if (!Principal.ROLES.contains(role)) {
            throw ApiException.invalid("invalid_role", "Unknown role '" + body.path("role") + "': use {\"href\":"
                    + " \"/roles/<r>\"} with r one of " + String.join(", ", Principal.ROLES) + ".");
        }
        String principal = body.path("auth_security_principal").path("href").asText("");
        if (store.objects().get(0, USER, principal).isEmpty()) {
            throw ApiException.invalid("invalid_principal", "auth_security_principal must name an existing user,"
                    + " e.g. {\"href\": \"/users/2\"}; '" + principal + "' does not exist.");
        }
        JsonNode scope = body.path("scope");
        if (!scope.isMissingNode() && !scope.isNull() && !scope.isArray()) {
            throw ApiException.invalid("invalid_scope", "scope is a list of {\"label\": {\"href\"}} items.");
        }
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        for (JsonNode s : scope) {
            String lh = s.path("label").path("href").asText("");
            Optional<String> label = store.objects().get(org, "label", lh);
            if (label.isEmpty()) {
                throw ApiException.invalid("invalid_scope", "Scope label '" + lh + "' does not exist.");
            }
            String key = Json.text(Json.parse(label.get()), "key");
            if (keys.put(key, lh) != null) {
                throw ApiException.invalid("invalid_scope", "A scope holds at most one label per key; '" + key
                        + "' appears twice. Use two permissions for two scopes.");
            }
        }
        if (role.equals(Principal.RULESET_MANAGER) && scope.isEmpty()) {
            throw ApiException.invalid("invalid_scope", "A ruleset_manager permission needs a scope (labels);"
                    + " grant admin for everything.");
        }
        String coverage = Json.text(body, "scope_coverage");
        if (coverage != null && !coverage.equals(Principal.SOURCES_AND_DESTINATIONS)
                && !coverage.equals(Principal.SOURCES_ONLY)) {
            throw ApiException.invalid("invalid_scope_coverage", "scope_coverage is sources_and_destinations or sources_only.");
        }
        return store.write(() -> {
            String href = "/orgs/" + org + "/permissions/" + store.counters().next(org, "permission");
            ObjectNode p = Json.object().put("href", href);
            p.set("role", Json.ref("/roles/" + role));
            p.set("scope", scope.isArray() ? scope : Json.array());
            p.set("auth_security_principal", Json.ref(principal));
            if (role.equals(Principal.RULESET_MANAGER)) {
                p.put("scope_coverage", coverage == null ? Principal.SOURCES_AND_DESTINATIONS : coverage);
            }
            p.put("created_at", Json.now(clock)).put("updated_at", p.get("created_at").asText());
            p.set("created_by", by.ref());
            p.set("updated_by", by.ref());
            store.objects().put(org, PERMISSION, href, p, principal);
            events.record(org, "permission.create", "info", "success", by.eventActor(),
                    List.of(Events.created(href, p)), null);
            return p;
        });
    }

    public void deletePermission(Principal by, int org, String href) {
        store.writeVoid(() -> {
            JsonNode before = Json.parse(store.objects().get(org, PERMISSION, href)
                    .orElseThrow(() -> ApiException.notFound("No permission " + href + ".")));
            if (isOwnerGrant(before) && store.objects().all(org, PERMISSION).stream()
                    .filter(r -> !r.href().equals(href)).noneMatch(r -> isOwnerGrant(Json.parse(r.body())))) {
                // without an owner nobody may manage users, permissions or other users' keys: the org is locked
                throw ApiException.invalid("last_owner_permission", "Permission " + href + " is the org's last owner"
                        + " grant; deleting it would leave nobody able to manage users and permissions. Grant the owner"
                        + " role to another user first (POST /orgs/" + org + "/permissions), then delete this one.");
            }
            store.objects().delete(org, PERMISSION, href);
            events.record(org, "permission.delete", "info", "success", by.eventActor(),
                    List.of(Events.deleted(href, before)), null);
        });
    }

    private static boolean isOwnerGrant(JsonNode permission) {
        return ("/roles/" + Principal.OWNER).equals(permission.path("role").path("href").asText());
    }
}
