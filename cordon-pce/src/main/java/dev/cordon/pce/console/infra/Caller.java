package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.infra.ApiClient.Credentials;
import dev.cordon.pce.console.infra.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Who signed in and what the console should offer them. Only a hint for what to show: the API still decides every
 * request, and a 403 is shown where it happens.
 *
 * <p>How the console finds out ({@link #probe}): one {@code GET /users/me}, which answers any valid key with the
 * caller's user and its role assignments (role href; for a rule set manager the scope's labels and
 * {@code scope_coverage}). A 401 (wrong key), 403 or 429 (this browser's address is locked after failed sign-ins)
 * refuses the sign-in with the API's message. Owner or admin may write everything; {@code ruleset_manager} grants
 * give the scopes within which rule sets may be written; {@code read_only} (or no role) only reads.
 */
public record Caller(String displayName, String role, boolean admin, List<Scope> rulesetScopes) {
    /** A rule set manager's scope: label hrefs (one per key) and its coverage. */
    public record Scope(List<String> labels, String coverage) {}

    public Caller {
        rulesetScopes = List.copyOf(rulesetScopes);
    }

    public boolean canWrite() {
        return admin;
    }

    public boolean canWriteRuleSets() {
        return admin || !rulesetScopes.isEmpty();
    }

    /** SPEC §5: custom iptables rules need the admin role, or a rule set manager scope with coverage sources_only. */
    boolean canManageCustomRules() {
        return admin || rulesetScopes.stream().anyMatch(s -> "sources_only".equals(s.coverage()));
    }

    boolean readOnly() {
        return !canWriteRuleSets();
    }

    /** Why signing in failed, in the API's words. */
    public static final class SignInRefused extends RuntimeException {
        SignInRefused(String message) {
            super(message);
        }
    }

    /** Asks the API who the caller is (GET /users/me): name, roles, and a rule set manager's scopes. */
    public static Caller probe(ApiClient api, Credentials c) {
        Response me = api.sendRaw(c, "GET", "/users/me", null);
        // 429: this browser's address is locked after failed sign-ins; the message says when to retry
        if (me.status() == 401 || me.status() == 403 || me.status() == 429) {
            throw new SignInRefused(me.errors().get(0).message());
        }
        if (!me.ok()) throw new ApiClient.ReadFailed("/users/me", me);
        JsonNode user = me.body();
        List<Scope> scopes = new ArrayList<>();
        java.util.Set<String> roles = new java.util.HashSet<>();
        for (JsonNode p : user.path("roles")) {
            String role = p.path("role").path("href").asText().replace("/roles/", "");
            roles.add(role);
            if (role.equals("ruleset_manager")) {
                List<String> labels = new ArrayList<>();
                p.path("scope").forEach(s -> labels.add(s.path("label").path("href").asText()));
                scopes.add(new Scope(labels, p.path("scope_coverage").asText("sources_and_destinations")));
            }
        }
        String name = user.path("username").asText(c.user());
        if (roles.contains("owner")) return new Caller(name, "owner", true, List.of());
        if (roles.contains("admin")) return new Caller(name, "admin", true, List.of());
        String role = !scopes.isEmpty() ? "ruleset_manager" : roles.contains("read_only") ? "read_only" : "no role";
        return new Caller(name, role, false, scopes);
    }
}
