package dev.cordon.pce.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.console.ApiClient.Credentials;
import dev.cordon.pce.console.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who signed in and what the console should offer them. Only a hint for what to show: the API still decides every
 * request, and a 403 is shown where it happens.
 *
 * <p>How the console finds out, with nothing but the API (the API has no "who am I" call):
 * <ol>
 *   <li>{@code GET /orgs/{org}/permissions}: 401 means the key is wrong, 403 that it has no role in the org;</li>
 *   <li>{@code GET /users/console-whoami-<nonce>}: owners and admins may read any user, so they get 404 (no such
 *       user); everyone else gets 403, and the API records that denial as a {@code request.authorization_failed}
 *       event naming the caller;</li>
 *   <li>for those, the event carrying the nonce names the caller's user, and the permissions of that user give the
 *       role: {@code read_only}, or {@code ruleset_manager} with its scopes.</li>
 * </ol>
 * So every sign-in by a non-admin leaves one {@code request.authorization_failed} event, which says what it was.
 */
record Caller(String displayName, String role, boolean admin, List<Scope> rulesetScopes) {
    /** A rule set manager's scope: label hrefs (one per key) and its coverage. */
    record Scope(List<String> labels, String coverage) {}

    Caller {
        rulesetScopes = List.copyOf(rulesetScopes);
    }

    boolean canWrite() {
        return admin;
    }

    boolean canWriteRuleSets() {
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
    static final class SignInRefused extends RuntimeException {
        SignInRefused(String message) {
            super(message);
        }
    }

    static Caller probe(ApiClient api, Credentials c, int org) {
        Response perms = api.sendRaw(c, "GET", "/orgs/" + org + "/permissions", null);
        if (perms.status() == 401 || perms.status() == 403) throw new SignInRefused(perms.errors().get(0).message());
        if (!perms.ok()) throw new ApiClient.ReadFailed("/orgs/" + org + "/permissions", perms);
        String nonce = "console-whoami-" + UUID.randomUUID();
        Response who = api.send(c, "GET", "/users/" + nonce, null);
        if (who.status() == 404) return new Caller(c.user(), "admin", true, List.of());
        if (who.status() != 403) throw new ApiClient.ReadFailed("/users/" + nonce, who);
        Optional<JsonNode> denial = api.list(c, "/orgs/" + org + "/events?event_type=request.authorization_failed&max_results=200")
                .stream().filter(e -> e.path("info").path("request").asText().endsWith(nonce)).findFirst();
        if (denial.isEmpty()) {
            return new Caller(c.user(), "read_only", false, List.of());
        }
        JsonNode user = denial.get().path("created_by").path("user");
        String href = user.path("href").asText();
        List<Scope> scopes = new ArrayList<>();
        boolean readOnly = false;
        for (JsonNode p : perms.items()) {
            if (!href.equals(p.path("auth_security_principal").path("href").asText())) continue;
            String role = p.path("role").path("href").asText().replace("/roles/", "");
            if (role.equals("ruleset_manager")) {
                List<String> labels = new ArrayList<>();
                p.path("scope").forEach(s -> labels.add(s.path("label").path("href").asText()));
                scopes.add(new Scope(labels, p.path("scope_coverage").asText("sources_and_destinations")));
            } else if (role.equals("read_only")) {
                readOnly = true;
            }
        }
        String role = !scopes.isEmpty() ? "ruleset_manager" : readOnly ? "read_only" : "no role";
        return new Caller(user.path("username").asText(c.user()), role, false, scopes);
    }
}
