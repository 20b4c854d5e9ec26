package dev.cordon.pce.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §5 as a matrix: each role × each write, with the status it must get. Every denial is a 403 with a message
 * and a {@code request.authorization_failed} event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RbacMatrixTest {
    static final String OWNER = "owner", ADMIN = "admin", READ_ONLY = "read_only",
            RSM = "ruleset_manager (sources_and_destinations)", RSM_SRC = "ruleset_manager (sources_only)";

    PceHarness pce;
    final Map<String, Api> as = new HashMap<>();
    String appA;
    String appB;
    String roleWeb;
    String anyIpList;

    @BeforeAll
    void start() {
        pce = PceHarness.h2();
        Api owner = pce.owner;
        appA = owner.post("/orgs/1/labels", Map.of("key", "app", "value", "A")).body().get("href").asText();
        appB = owner.post("/orgs/1/labels", Map.of("key", "app", "value", "B")).body().get("href").asText();
        roleWeb = owner.post("/orgs/1/labels", Map.of("key", "role", "value", "web")).body().get("href").asText();
        anyIpList = owner.get("/orgs/1/sec_policy/draft/ip_lists?name=Any").body().get(0).get("href").asText();
        as.put(OWNER, owner);
        as.put(ADMIN, user("admin", List.of(), null));
        as.put(READ_ONLY, user("read_only", List.of(), null));
        as.put(RSM, user("ruleset_manager", List.of(appA), "sources_and_destinations"));
        as.put(RSM_SRC, user("ruleset_manager", List.of(appA), "sources_only"));
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    Api user(String role, List<String> scope, String coverage) {
        Api owner = pce.owner;
        String userHref = owner.post("/users", Map.of("username", role + "-" + UUID.randomUUID())).body().get("href").asText();
        Map<String, Object> perm = new HashMap<>(Map.of("role", Map.of("href", "/roles/" + role),
                "scope", scope.stream().map(h -> Map.of("label", Map.of("href", h))).toList(),
                "auth_security_principal", Map.of("href", userHref)));
        if (coverage != null) perm.put("scope_coverage", coverage);
        Resp p = owner.post("/orgs/1/permissions", perm);
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        Resp key = owner.post(userHref + "/api_keys", Map.of("name", "test"));
        return pce.anonymous.as(key.body().get("auth_username").asText() + ":" + key.body().get("secret").asText());
    }

    static String u() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    Map<String, Object> ruleSet(List<Object> scope, List<Object> rules) {
        return Map.of("name", "rs-" + u(), "scopes", List.of(scope), "rules", rules);
    }

    Map<String, Object> label(String href) {
        return Map.of("label", Map.of("href", href));
    }

    /** The writes of the matrix, each self-contained. */
    Map<String, Function<Api, Resp>> writes() {
        Map<String, Function<Api, Resp>> w = new java.util.LinkedHashMap<>();
        w.put("create label", a -> a.post("/orgs/1/labels", Map.of("key", "loc", "value", "x-" + u())));
        w.put("create workload", a -> a.post("/orgs/1/workloads", Map.of("name", "w-" + u())));
        w.put("create ip list", a -> a.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "i-" + u(),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.0/8")))));
        w.put("create service", a -> a.post("/orgs/1/sec_policy/draft/services", Map.of("name", "s-" + u(),
                "service_ports", List.of(Map.of("proto", 6, "port", 80)))));
        w.put("create label group", a -> a.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", "g-" + u(),
                "key", "app", "labels", List.of(Map.of("href", appA)))));
        w.put("update firewall settings", a -> a.put("/orgs/1/sec_policy/draft/firewall_settings",
                Map.of("firewall_coexistence", List.of())));
        w.put("create pairing profile", a -> a.post("/orgs/1/pairing_profiles", Map.of("name", "p-" + u())));
        w.put("create rule set within scope", a -> a.post("/orgs/1/sec_policy/draft/rule_sets",
                ruleSet(List.of(label(appA)), List.of(Map.of("providers", List.of(label(roleWeb)),
                        "consumers", List.of(label(roleWeb)), "ingress_services", List.of(Map.of("proto", 6, "port", 443)))))));
        w.put("create rule set with scope All", a -> a.post("/orgs/1/sec_policy/draft/rule_sets", ruleSet(List.of(), List.of())));
        w.put("create rule set outside scope", a -> a.post("/orgs/1/sec_policy/draft/rule_sets",
                ruleSet(List.of(label(appB)), List.of())));
        w.put("IP list as provider", a -> a.post("/orgs/1/sec_policy/draft/rule_sets",
                ruleSet(List.of(label(appA)), List.of(Map.of("providers", List.of(Map.of("ip_list", Map.of("href", anyIpList))),
                        "consumers", List.of(label(roleWeb)), "ingress_services", List.of(Map.of("proto", 6, "port", 443)))))));
        w.put("custom iptables rule", a -> a.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "rs-" + u(),
                "scopes", List.of(List.of(label(appA))), "ip_tables_rules", List.of(Map.of("actors", List.of(Map.of("actors", "ams")),
                        "ip_version", "4", "statements", List.of(Map.of("table_name", "filter", "chain_name", "INPUT",
                                "parameters", "-p tcp --dport 9999 -j ACCEPT")))))));
        w.put("provision", a -> {
            pce.owner.post("/orgs/1/sec_policy/draft/services", Map.of("name", "pv-" + u(),
                    "service_ports", List.of(Map.of("proto", 6, "port", 81))));
            return a.post("/orgs/1/sec_policy", Map.of("update_description", "rbac"));
        });
        w.put("unpair VEN", a -> {
            String profile = pce.owner.post("/orgs/1/pairing_profiles", Map.of("name", "up-" + u())).body().get("href").asText();
            String code = pce.owner.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
            String ven = pce.anonymous.post("/ven/activate", Map.of("activation_code", code, "hostname", "up-" + u(),
                    "interfaces", List.of(Map.of("name", "eth0", "address", "10.99.0.1")))).body().get("ven").get("href").asText();
            return a.put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", ven)), "firewall_restore", "default"));
        });
        w.put("create user", a -> a.post("/users", Map.of("username", "u-" + u())));
        w.put("grant permission", a -> a.post("/orgs/1/permissions", Map.of("role", Map.of("href", "/roles/read_only"),
                "auth_security_principal", Map.of("href", "/users/1"))));
        return w;
    }

    static final List<String> ADMIN_ONLY = List.of("create label", "create workload", "create ip list", "create service",
            "create label group", "update firewall settings", "create pairing profile", "provision", "unpair VEN");

    static int expected(String role, String write) {
        if (role.equals(OWNER)) return 201;
        boolean ownerOnly = write.equals("create user") || write.equals("grant permission");
        if (role.equals(ADMIN)) return ownerOnly ? 403 : 201;
        if (role.equals(READ_ONLY)) return 403;
        if (ownerOnly || ADMIN_ONLY.contains(write)) return 403;
        return switch (write) {
            case "create rule set within scope" -> 201;
            case "IP list as provider", "custom iptables rule" -> role.equals(RSM_SRC) ? 201 : 403;
            default -> 403;
        };
    }

    Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (String role : List.of(OWNER, ADMIN, READ_ONLY, RSM, RSM_SRC)) {
            for (String write : writes().keySet()) out.add(Arguments.of(role, write));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("matrix")
    void roleMayOrMayNotWrite(String role, String write) {
        Resp r = writes().get(write).apply(as.get(role));
        int want = expected(role, write);
        int got = r.status() == 204 ? 201 : r.status();
        assertThat(got).as(role + " → " + write + ": " + r).isEqualTo(want);
        if (want == 403) {
            assertThat(r.token()).isEqualTo("authorization_failed");
            String message = r.body().get(0).get("message").asText();
            assertThat(message).isNotBlank();
            // every denial leaves an event, also those found deep inside a use case whose transaction rolls back
            Resp ev = pce.owner.get("/orgs/1/events?event_type=request.authorization_failed&max_results=1");
            assertThat(ev.body().get(0).path("info").path("message").asText()).as(role + " → " + write).isEqualTo(message);
        }
    }

    @Test
    void denialsAreRecordedAsEvents() {
        as.get(READ_ONLY).post("/orgs/1/labels", Map.of("key", "loc", "value", "denied-" + u()));
        Resp ev = pce.owner.get("/orgs/1/events?event_type=request.authorization_failed");
        assertThat(ev.body().size()).isGreaterThanOrEqualTo(1);
        assertThat(ev.body().get(0).get("created_by").get("user").get("href").asText()).startsWith("/users/");
    }

    @Test
    void everyCallerReadsWhoItIsWithItsRolesAndNoDenialIsRecorded() {
        String denials = "/orgs/1/events?event_type=request.authorization_failed&max_results=10000";
        int before = pce.owner.get(denials).body().size();
        assertThat(as.get(OWNER).get("/users/me").body().path("roles").toString()).contains("/roles/owner");
        assertThat(as.get(READ_ONLY).get("/users/me").body().path("roles").toString()).contains("/roles/read_only");
        JsonNode rsm = as.get(RSM_SRC).get("/users/me").body();
        assertThat(rsm.path("username").asText()).startsWith("ruleset_manager-");
        assertThat(rsm.path("roles").get(0).path("scope_coverage").asText()).isEqualTo("sources_only");
        assertThat(rsm.path("roles").get(0).path("scope").toString()).contains(appA);
        assertThat(pce.owner.get(denials).body().size()).isEqualTo(before);
    }

    @Test
    void everyRoleMayRead() {
        for (Api a : as.values()) {
            assertThat(a.get("/orgs/1/labels").status()).isEqualTo(200);
            assertThat(a.get("/orgs/1/sec_policy/active/rule_sets").status()).isEqualTo(200);
        }
    }

    @Test
    void aRulesetManagerMayEditItsRuleSetsRulesButNotMoveItOutOfScope() {
        Api rsm = as.get(RSM);
        Resp rs = rsm.post("/orgs/1/sec_policy/draft/rule_sets", ruleSet(List.of(label(appA)), List.of()));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        String href = rs.body().get("href").asText();
        Resp rule = rsm.post(href + "/sec_rules", Map.of("providers", List.of(label(roleWeb)),
                "consumers", List.of(label(roleWeb)), "ingress_services", List.of(Map.of("proto", 6, "port", 8443))));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        assertThat(rsm.put(href, Map.of("scopes", List.of(List.of(label(appB))))).status()).isEqualTo(403);
        assertThat(rsm.delete(href).status()).isEqualTo(204);
    }

    /** An admin may not act as an owner through another user's key: minting, listing or deleting one is owner-only. */
    @Test
    void onlyAnOwnerManagesAnotherUsersKeys() {
        Api admin = as.get(ADMIN);
        Resp mint = admin.post("/users/1/api_keys", Map.of("name", "escalate"));
        assertThat(mint.status()).as(mint.toString()).isEqualTo(403);
        assertThat(mint.body().get(0).get("message").asText()).contains("Only an owner");
        assertThat(admin.get("/users/1/api_keys").status()).isEqualTo(403);
        Resp ownerKeys = pce.owner.get("/users/1/api_keys");
        assertThat(ownerKeys.status()).isEqualTo(200);
        String someKey = ownerKeys.body().get(0).get("href").asText();
        assertThat(admin.delete(someKey).status()).isEqualTo(403);
        assertThat(pce.owner.get("/orgs/1/labels").status()).as("the owner's key still works").isEqualTo(200);
        // (an owner minting keys for other users is what user(...) above does for every role)
    }

    @Test
    void usersMayMintTheirOwnKeysButNotOthers() {
        Api ro = as.get(READ_ONLY);
        Resp own = ro.post("/orgs/1/api_keys", Map.of("name", "mine"));
        assertThat(own.status()).isEqualTo(201);
        assertThat(own.body().get("secret").asText()).isNotBlank();
        assertThat(ro.post("/users/1/api_keys", Map.of("name", "steal")).status()).isEqualTo(403);
        Api again = pce.anonymous.as(own.body().get("auth_username").asText() + ":" + own.body().get("secret").asText());
        assertThat(again.get("/orgs/1/labels").status()).isEqualTo(200);
        assertThat(pce.owner.get("/users/1/api_keys").body().toString()).doesNotContain("secret");
    }

    /**
     * The decision (docs/api.md §8): every user with a role manages its own keys — lists, mints (to rotate) and
     * deletes (to revoke) them — and each key acts with its user's roles only, so a read_only user's new key still
     * only reads; other users' keys are the owner's alone.
     */
    @ParameterizedTest
    @MethodSource("nonOwners")
    void everyRoleManagesItsOwnKeysAndEachKeyActsWithItsUsersRolesOnly(String role) {
        Api user = as.get(role);
        String me = user.get("/users/me").body().get("href").asText();
        assertThat(user.get(me + "/api_keys").status()).isEqualTo(200);
        Resp minted = user.post(me + "/api_keys", Map.of("name", "rotated"));
        assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
        Api rotated = pce.anonymous.as(minted.body().get("auth_username").asText() + ":" + minted.body().get("secret").asText());
        assertThat(rotated.get("/users/me").body().get("roles").toString())
                .isEqualTo(user.get("/users/me").body().get("roles").toString());
        int labelWrite = rotated.post("/orgs/1/labels", Map.of("key", "env", "value", "k-" + u())).status();
        assertThat(labelWrite).isEqualTo(role.equals(ADMIN) ? 201 : 403);
        String ownerKey = pce.owner.get("/users/1/api_keys").body().get(0).get("href").asText();
        assertThat(rotated.delete(ownerKey).status()).as("another user's key").isEqualTo(403);
        assertThat(user.delete(minted.body().get("href").asText()).status()).isEqualTo(204);
        assertThat(rotated.get("/orgs/1/labels").status()).as("a deleted key is revoked at once").isEqualTo(401);
    }

    static Stream<String> nonOwners() {
        return Stream.of(ADMIN, READ_ONLY, RSM);
    }

    @Test
    void aUserWithoutARoleMayNotMintKeys() {
        String href = pce.owner.post("/users", Map.of("username", "nobody-" + u())).body().get("href").asText();
        Resp key = pce.owner.post(href + "/api_keys", Map.of("name", "t"));
        Api nobody = pce.anonymous.as(key.body().get("auth_username").asText() + ":" + key.body().get("secret").asText());
        assertThat(nobody.post(href + "/api_keys", Map.of("name", "more")).status()).isEqualTo(403);
        assertThat(nobody.delete(key.body().get("href").asText()).status()).isEqualTo(403);
    }
}
