package dev.cordon.pce.console.pages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.console.infra.ApiClient.Response;
import dev.cordon.pce.console.infra.Bodies;
import dev.cordon.pce.console.infra.Form;
import dev.cordon.pce.console.infra.Form.Field;
import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Picked;
import dev.cordon.pce.console.infra.Req;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings › Users, roles and API keys, as the caller's role allows (the API decides): everyone sees themselves,
 * their roles and their API keys, and may add and remove their own keys (the secret is shown once); owners and admins
 * see every user and their roles; owners see everyone's keys, add users with a role and remove grants.
 */
public final class Users {
    static final List<String> ROLES = List.of("owner", "admin", "ruleset_manager", "read_only");
    private static final List<Field> KEY = List.of(Field.of("name", "name"), Field.of("description", "description"));
    private static final List<Field> USER = List.of(Field.of("username", "username", "user"),
            Field.of("role", "role"), Field.of("scope", "scope"));

    /** A user as the page shows it: href, name, roles (with scope text) and keys (null when the caller may not list them). */
    public record UserRow(String href, String username, List<String> roles, List<JsonNode> keys, boolean me) {}

    public void show(Req r) {
        show(r, null);
    }

    private void show(Req r, Form posted) {
        Page p = r.page("Users and API keys", "users");
        JsonNode me = r.read("/users/me");
        String myHref = me.path("href").asText();
        Response all = r.api.get(r.key(), "/users");
        List<JsonNode> users = all.ok() ? all.items() : List.of(me);
        Map<String, List<String>> roles = new LinkedHashMap<>();
        Response perms = r.api.get(r.key(), r.org("/permissions"));
        List<JsonNode> grants = perms.ok() ? perms.items() : List.of();
        for (JsonNode g : grants) {
            String role = g.path("role").path("href").asText().replace("/roles/", "");
            List<String> scope = new ArrayList<>();
            for (JsonNode s : g.path("scope")) scope.add(p.name(s.path("label").path("href").asText()));
            roles.computeIfAbsent(g.path("auth_security_principal").path("href").asText(), k -> new ArrayList<>())
                    .add(role.replace('_', ' ') + (scope.isEmpty() ? "" : " of " + String.join(" ", scope)));
        }
        if (!perms.ok()) {
            for (JsonNode g : me.path("roles")) {
                roles.computeIfAbsent(myHref, k -> new ArrayList<>()).add(g.path("role").path("href").asText()
                        .replace("/roles/", "").replace('_', ' '));
            }
        }
        List<UserRow> rows = new ArrayList<>();
        for (JsonNode u : users) {
            String href = u.path("href").asText();
            Response keys = r.api.get(r.key(), href + "/api_keys");
            rows.add(new UserRow(href, u.path("username").asText(href), roles.getOrDefault(href, List.of()),
                    keys.ok() ? keys.items() : null, href.equals(myHref)));
        }
        p.with("users", rows).with("me", myHref)
                .with("grants", grants)
                .with("roleNames", ROLES).with("listedAll", all.ok());
        if (posted != null) p.form(posted);
        r.render("users", p);
    }

    /** A new API key for the caller; its secret is shown once, in the notice. */
    public void createKey(Req r) {
        Form f = r.form("key");
        String me = r.read("/users/me").path("href").asText();
        ObjectNode body = Bodies.object().put("name", r.param("name"));
        if (!r.param("description").isEmpty()) body.put("description", r.param("description"));
        Response resp = r.api.post(r.key(), me + "/api_keys", body);
        String shown = resp.ok() ? "API key '" + r.param("name") + "' added. Its secret is shown once: "
                + resp.body().path("auth_username").asText() + ":" + resp.body().path("secret").asText() : "";
        r.outcome(resp, f, KEY, shown, "/console/users", () -> show(r, f));
    }

    public void deleteKey(Req r) {
        Form f = r.form("keys");
        String href = "/users/" + r.path("user") + "/api_keys/" + r.path("key");
        r.outcome(r.api.delete(r.key(), href), f, List.of(), "API key removed: it no longer signs anything in.",
                "/console/users", () -> show(r, f));
    }

    /** Owner: a new user with one role (a rule set manager also needs scope labels, which the API asks for). */
    public void createUser(Req r) {
        Form f = r.form("user");
        List<String> scope = Picked.hrefs(r, f, "scope", Picked.LABELS);
        if (f.hasErrors()) {
            r.refused(() -> show(r, f));
            return;
        }
        Response created = r.api.post(r.key(), "/users", Bodies.object().put("username", r.param("username")));
        if (!created.ok()) {
            f.errors(created.errors(), USER);
            r.refused(() -> show(r, f));
            return;
        }
        ObjectNode grant = Bodies.object();
        grant.putObject("role").put("href", "/roles/" + r.param("role"));
        grant.putObject("auth_security_principal").put("href", created.body().path("href").asText());
        grant.set("scope", scopeOf(scope));
        r.outcome(r.api.post(r.key(), r.org("/permissions"), grant), f, USER, "User '" + r.param("username")
                + "' added as " + r.param("role").replace('_', ' ') + ".", "/console/users", () -> show(r, f));
    }

    public void deleteGrant(Req r) {
        Form f = r.form("grants");
        r.outcome(r.api.delete(r.key(), r.org("/permissions/" + r.path("id"))), f, List.of(), "Role removed.",
                "/console/users", () -> show(r, f));
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode scopeOf(List<String> labels) {
        var a = Bodies.object().arrayNode();
        for (String l : labels) a.addObject().putObject("label").put("href", l);
        return a;
    }
}
