package dev.cordon.pce.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import java.util.List;

/**
 * Who makes a request: a user (through one of its API keys) and the permissions it holds. Roles: {@code owner} and
 * {@code admin} may do everything (only the owner manages users and permissions), {@code read_only} may read, and a
 * {@code ruleset_manager} may write rule sets within its scopes (SPEC §5).
 */
public record Principal(String href, String username, List<Grant> grants) {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String READ_ONLY = "read_only";
    public static final String RULESET_MANAGER = "ruleset_manager";
    public static final List<String> ROLES = List.of(OWNER, ADMIN, READ_ONLY, RULESET_MANAGER);

    public static final String SOURCES_AND_DESTINATIONS = "sources_and_destinations";
    public static final String SOURCES_ONLY = "sources_only";

    /** The server itself (first start, housekeeping). */
    public static final Principal SYSTEM = new Principal("/users/0", "system", List.of(new Grant(OWNER, List.of(), null)));

    /** One permission: a role, and for a rule set manager a scope (label hrefs, one per key) and a coverage type. */
    public record Grant(String role, List<String> scope, String coverage) {
        public Grant {
            scope = scope == null ? List.of() : List.copyOf(scope);
        }
    }

    public Principal {
        grants = List.copyOf(grants);
    }

    public boolean has(String role) {
        return grants.stream().anyMatch(g -> g.role().equals(role));
    }

    public boolean isOwner() {
        return has(OWNER);
    }

    public boolean isAdmin() {
        return has(OWNER) || has(ADMIN);
    }

    public boolean canRead() {
        return !grants.isEmpty();
    }

    public List<Grant> rulesetScopes() {
        return grants.stream().filter(g -> g.role().equals(RULESET_MANAGER)).toList();
    }

    /** {@code {"href": "/users/1"}}: what objects carry in created_by/updated_by. */
    public ObjectNode ref() {
        return Json.ref(href);
    }

    /** What events carry in created_by. */
    public ObjectNode eventActor() {
        ObjectNode n = Json.object();
        n.putObject("user").put("href", href).put("username", username);
        return n;
    }
}
