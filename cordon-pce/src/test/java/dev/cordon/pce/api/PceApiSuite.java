package dev.cordon.pce.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API contract (API.md) against a real server; {@link PceApiH2Test} and {@link PceApiPostgresTest} run it
 * on each database. Tests share one server and make unique names, so they do not depend on order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PceApiSuite {
    protected PceHarness pce;
    protected Api api;

    protected abstract PceHarness start();

    @BeforeAll
    void startServer() {
        pce = start();
        api = pce.owner;
    }

    @AfterAll
    void stopServer() {
        if (pce != null) pce.close();
    }

    static String unique(String s) {
        return s + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    String label(String key, String value) {
        Resp r = api.post("/orgs/1/labels", Map.of("key", key, "value", value));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    String workload(String name, String address, String... labels) {
        Resp r = api.post("/orgs/1/workloads", Map.of("name", name, "hostname", name,
                "interfaces", List.of(Map.of("name", "eth0", "address", address)),
                "labels", java.util.Arrays.stream(labels).map(h -> Map.of("href", h)).toList()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    String builtIn(String collection, String name) {
        for (JsonNode n : api.get("/orgs/1/sec_policy/draft/" + collection).body()) {
            if (name.equals(n.path("name").asText())) return n.get("href").asText();
        }
        throw new AssertionError("no built-in " + name);
    }

    String provision(String description) {
        Resp r = api.post("/orgs/1/sec_policy", Map.of("update_description", description));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.body().get("href").asText();
    }

    @Test
    void healthAnswersWithoutCredentials() {
        assertThat(pce.anonymous.get("/health").status()).isEqualTo(200);
    }

    @Test
    void firstStartWritesTheOwnerKeyWithMode0600AndSaysWhere() throws Exception {
        assertThat(pce.printed).contains(pce.server.ownerKeyFile().toAbsolutePath().toString());
        assertThat(java.nio.file.Files.getPosixFilePermissions(pce.server.ownerKeyFile()))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void missingOrWrongCredentialsAre401AndRecorded() {
        assertThat(pce.anonymous.get("/orgs/1/labels").status()).isEqualTo(401);
        Resp wrong = pce.anonymous.as("api_nobody:nothing").get("/orgs/1/labels");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.token()).isEqualTo("authentication_failed");
        // the first failure of a source is recorded at once, the rest of its interval as one event with a count
        assertThat(api.get("/orgs/1/events?event_type=request.authentication_failed").body().size()).isGreaterThanOrEqualTo(1);
        pce.clock.advance(dev.cordon.pce.auth.throttle.Throttles.EVENT_INTERVAL);
        pce.server.sweep();
        Resp events = api.get("/orgs/1/events?event_type=request.authentication_failed&max_results=1000");
        int counted = 0;
        for (var e : events.body()) counted += e.get("info").get("count").asInt();
        assertThat(counted).isGreaterThanOrEqualTo(2);
    }

    @Test
    void builtInsExistInEveryOrg() {
        Resp ip = api.get("/orgs/1/sec_policy/active/ip_lists?name=Any");
        assertThat(ip.body().get(0).get("name").asText()).isEqualTo("Any (0.0.0.0/0 and ::/0)");
        Resp svc = api.get("/orgs/1/sec_policy/active/services?name=All%20Services");
        assertThat(svc.body().get(0).get("service_ports").get(0).get("proto").asInt()).isEqualTo(-1);
        assertThat(svc.body().get(0).get("href").asText()).contains("/sec_policy/active/services/");
    }

    @Test
    void labelCrudFollowsTheConventions() {
        String value = unique("web");
        Resp created = api.post("/orgs/1/labels", Map.of("key", "role", "value", value,
                "external_data_set", "tests", "external_data_reference", value));
        assertThat(created.status()).isEqualTo(201);
        JsonNode l = created.body();
        assertThat(l.get("href").asText()).startsWith("/orgs/1/labels/");
        assertThat(l.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(l.get("created_by").get("href").asText()).isEqualTo("/users/1");
        String href = l.get("href").asText();

        assertThat(api.put(href, Map.of("description", "front end")).status()).isEqualTo(204);
        assertThat(api.get(href).body().get("description").asText()).isEqualTo("front end");
        assertThat(api.get(href).body().get("value").asText()).isEqualTo(value);

        Resp byValue = api.get("/orgs/1/labels?key=role&value=" + value);
        assertThat(byValue.body()).hasSize(1);
        assertThat(byValue.header("X-Total-Count")).isEqualTo("1");
        assertThat(api.get("/orgs/1/labels?external_data_set=tests&external_data_reference=" + value).body()).hasSize(1);

        assertThat(api.delete(href).status()).isEqualTo(204);
        assertThat(api.get(href).status()).isEqualTo(404);
    }

    @Test
    void duplicateLabelIsRefusedWithTheIllumioToken() {
        String value = unique("db");
        label("role", value);
        Resp dup = api.post("/orgs/1/labels", Map.of("key", "role", "value", value));
        assertThat(dup.status()).isEqualTo(406);
        assertThat(dup.token()).isEqualTo("label_key_and_value_must_be_unique");
        assertThat(dup.body().get(0).get("message").asText()).contains("role=" + value);
    }

    @Test
    void unknownFieldsAndBadJsonAre406NotServerErrors() {
        Resp unknown = api.post("/orgs/1/labels", Map.of("key", "role", "value", unique("x"), "colour", "red"));
        assertThat(unknown.status()).isEqualTo(406);
        assertThat(unknown.token()).isEqualTo("unknown_field");
        assertThat(unknown.body().get(0).get("message").asText()).contains("colour");
        Resp bad = api.post("/orgs/1/labels", "{not json");
        assertThat(bad.status()).isEqualTo(406);
        assertThat(bad.token()).isEqualTo("invalid_json");
        Resp wrongType = api.post("/orgs/1/labels", Map.of("key", List.of(1), "value", "v"));
        assertThat(wrongType.status()).isEqualTo(406);
        Resp array = api.post("/orgs/1/labels", List.of());
        assertThat(array.status()).isEqualTo(406);
    }

    @Test
    void labelKeyIsImmutable() {
        String href = label("app", unique("crm"));
        Resp r = api.put(href, Map.of("key", "env"));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("label_key_immutable");
    }

    @Test
    void labelInUseCannotBeDeleted() {
        String l = label("env", unique("prod"));
        workload(unique("host"), "10.9.0.1", l);
        Resp r = api.delete(l);
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("label_in_use");
    }

    @Test
    void unknownHrefsAre404AndUnknownPathsToo() {
        assertThat(api.get("/orgs/1/labels/999999").status()).isEqualTo(404);
        assertThat(api.get("/orgs/1/workloads/nope").status()).isEqualTo(404);
        assertThat(api.get("/orgs/7/labels").status()).isEqualTo(404);
        Resp r = api.get("/orgs/1/no_such_thing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.token()).isEqualTo("not_found");
    }

    @Test
    void collectionsHonourMaxResultsAndReportTheTotal() {
        String prefix = unique("many");
        for (int i = 0; i < 3; i++) label("loc", prefix + "-" + i);
        Resp r = api.get("/orgs/1/labels?key=loc&max_results=2");
        assertThat(r.body()).hasSize(2);
        assertThat(Integer.parseInt(r.header("X-Total-Count"))).isGreaterThanOrEqualTo(3);
        assertThat(api.get("/orgs/1/labels?max_results=-1").status()).isEqualTo(406);
    }

    /**
     * Cordon's collection extensions (docs/api.md › Collections): {@code sort} in natural order either way,
     * {@code offset}, and {@code href} naming several objects; a bad value is a 406 naming the parameter.
     */
    @Test
    void collectionsSortOffsetAndReadSeveralHrefsAsCordonExtensions() {
        String p = unique("srt");
        List<String> hrefs = new java.util.ArrayList<>();
        for (int i : List.of(10, 2, 1, 30, 3)) {
            Resp r = api.post("/orgs/1/workloads", Map.of("name", p + "-w" + i, "hostname", p + "-h" + (40 - i)));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            hrefs.add(r.body().get("href").asText());
        }
        assertThat(names(api.get("/orgs/1/workloads?name=" + p + "&sort=name")))
                .containsExactly(p + "-w1", p + "-w2", p + "-w3", p + "-w10", p + "-w30");
        Resp page = api.get("/orgs/1/workloads?name=" + p + "&sort=-name&offset=1&max_results=2");
        assertThat(names(page)).containsExactly(p + "-w10", p + "-w3");
        assertThat(page.header("X-Total-Count")).isEqualTo("5");
        assertThat(names(api.get("/orgs/1/workloads?name=" + p + "&sort=hostname&max_results=1"))).containsExactly(p + "-w30");
        assertThat(names(api.get("/orgs/1/workloads?name=" + p + "&offset=5"))).isEmpty();
        Resp two = api.get("/orgs/1/workloads?href=" + hrefs.get(0) + "&href=" + hrefs.get(3) + "&href=/orgs/1/workloads/none");
        assertThat(names(two)).containsExactlyInAnyOrder(p + "-w10", p + "-w30");
        assertThat(two.header("X-Total-Count")).isEqualTo("2");

        String v = unique("Val");
        String l9 = label("loc", v + "-9");
        label("loc", v + "-11");
        assertThat(api.get("/orgs/1/labels?key=loc&value=" + v.toLowerCase().substring(0, 9) + "&sort=-value").body())
                .extracting(n -> n.path("value").asText()).containsExactly(v + "-11", v + "-9");
        assertThat(api.get("/orgs/1/labels?href=" + l9).body()).extracting(n -> n.path("value").asText()).containsExactly(v + "-9");

        assertThat(api.get("/orgs/1/labels?sort=name").token()).isEqualTo("invalid_sort");
        assertThat(api.get("/orgs/1/workloads?sort=enforcement_mode").token()).isEqualTo("invalid_sort");
        assertThat(api.get("/orgs/1/workloads?offset=-1").token()).isEqualTo("invalid_offset");
        String many = "href=/orgs/1/labels/1&".repeat(201);
        assertThat(api.get("/orgs/1/labels?" + many).token()).isEqualTo("invalid_href");
        for (String h : hrefs) assertThat(api.delete(h).status()).isEqualTo(204);
    }

    private static List<String> names(Resp r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : r.body()) out.add(n.path("name").asText());
        return out;
    }

    @Test
    void workloadsCreatedByApiAreUnmanagedWithComputedFields() {
        String name = unique("db-host");
        String href = workload(name, "10.1.2.3");
        JsonNode w = api.get(href).body();
        assertThat(w.get("managed").asBoolean()).isFalse();
        assertThat(w.has("firewall_coexistence")).isTrue();
        assertThat(w.get("firewall_coexistence").isNull()).isTrue();
        assertThat(api.get("/orgs/1/workloads?hostname=" + name.substring(0, 10)).body().size()).isGreaterThanOrEqualTo(1);
        Resp managed = api.put(href, Map.of("managed", true, "name", name + "-renamed"));
        assertThat(managed.status()).isEqualTo(204);
        assertThat(api.get(href).body().get("managed").asBoolean()).isFalse();
        assertThat(api.get(href).body().get("name").asText()).endsWith("-renamed");
        Resp badAddress = api.post("/orgs/1/workloads", Map.of("name", unique("x"),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.0.0.300"))));
        assertThat(badAddress.token()).isEqualTo("invalid_interface_address");
        assertThat(api.delete(href).status()).isEqualTo(204);
    }

    @Test
    void externalDataPairIsUniquePerType() {
        String ref = unique("ref");
        Map<String, Object> body = Map.of("name", unique("w"), "external_data_set", "cmdb", "external_data_reference", ref);
        assertThat(api.post("/orgs/1/workloads", body).status()).isEqualTo(201);
        Resp dup = api.post("/orgs/1/workloads", Map.of("name", unique("w"), "external_data_set", "cmdb",
                "external_data_reference", ref));
        assertThat(dup.status()).isEqualTo(406);
        assertThat(dup.token()).isEqualTo("external_data_reference_in_use");
        // the same pair on another type is fine
        assertThat(api.post("/orgs/1/labels", Map.of("key", "app", "value", unique("a"), "external_data_set", "cmdb",
                "external_data_reference", ref)).status()).isEqualTo(201);
    }

    @Test
    void versionedObjectsAreWrittenOnlyInDraft() {
        Resp r = api.post("/orgs/1/sec_policy/active/ip_lists", Map.of("name", unique("x"),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.0/8"))));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("policy_version_read_only");
        Resp ok = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", unique("corp"),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.0/8"), Map.of("from_ip", "10.1.0.0/16", "exclusion", true))));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        assertThat(ok.body().get("href").asText()).startsWith("/orgs/1/sec_policy/draft/ip_lists/");
        Resp badRange = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", unique("bad"),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.0/99"))));
        assertThat(badRange.status()).isEqualTo(406);
    }

    @Test
    void ipListNamesAreUniqueExactlyAsWritten() {
        String name = unique("Partners_50%");
        Map<String, Object> ranges = Map.of("from_ip", "198.51.100.0/24");
        assertThat(api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", name, "ip_ranges", List.of(ranges)))
                .status()).isEqualTo(201);
        Resp same = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", name, "ip_ranges", List.of(ranges)));
        assertThat(same.status()).isEqualTo(406);
        assertThat(same.token()).isEqualTo("ip_list_name_in_use");
        // another case, a longer name holding it, and a name the LIKE wildcards would match are other names
        for (String other : List.of(name.toLowerCase(java.util.Locale.ROOT), name + " east", name.replace("_", "x"))) {
            assertThat(api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", other, "ip_ranges", List.of(ranges)))
                    .status()).as(other).isEqualTo(201);
        }
    }

    @Test
    void labelGroupsHoldLabelsOfTheirKey() {
        String web = label("role", unique("web"));
        String prod = label("env", unique("prod"));
        Resp ok = api.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", unique("fronts"), "key", "role",
                "labels", List.of(Map.of("href", web))));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
        Resp mismatch = api.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", unique("mixed"), "key", "role",
                "labels", List.of(Map.of("href", prod))));
        assertThat(mismatch.token()).isEqualTo("label_group_key_mismatch");
        Resp dangling = api.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", unique("ghost"), "key", "role",
                "labels", List.of(Map.of("href", "/orgs/1/labels/987654"))));
        assertThat(dangling.token()).isEqualTo("unknown_reference");
    }

    @Test
    void servicesAndBuiltInsProtection() {
        Resp svc = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("https"),
                "service_ports", List.of(Map.of("proto", 6, "port", 443))));
        assertThat(svc.status()).isEqualTo(201);
        Resp dupName = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", svc.body().get("name").asText(),
                "service_ports", List.of(Map.of("proto", 6, "port", 444))));
        assertThat(dupName.status()).isEqualTo(406);
        String all = builtIn("services", "All Services");
        assertThat(api.delete(all).token()).isEqualTo("built_in_object");
    }

    @Test
    void ruleSetLifecycleNestedRulesAndProvisioning() {
        String web = label("role", unique("web"));
        String db = label("role", unique("db"));
        String app = label("app", unique("shop"));
        String any = builtIn("ip_lists", "Any (0.0.0.0/0 and ::/0)");
        Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of(
                "name", unique("shop"),
                "scopes", List.of(List.of(Map.of("label", Map.of("href", app)))),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("label", Map.of("href", web))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 5432))))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        String rsHref = rs.body().get("href").asText();
        String ruleHref = rs.body().get("rules").get(0).get("href").asText();
        assertThat(ruleHref).startsWith(rsHref + "/sec_rules/");

        Resp deny = api.post(rsHref + "/deny_rules", Map.of(
                "providers", List.of(Map.of("label", Map.of("href", db))),
                "consumers", List.of(Map.of("ip_list", Map.of("href", any))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 22)), "override", true));
        assertThat(deny.status()).as(deny.toString()).isEqualTo(201);
        assertThat(deny.body().get("href").asText()).startsWith(rsHref + "/deny_rules/");
        assertThat(api.get(rsHref + "/deny_rules").body()).hasSize(1);
        assertThat(api.put(ruleHref, Map.of("description", "db from web")).status()).isEqualTo(204);
        assertThat(api.get(ruleHref).body().get("description").asText()).isEqualTo("db from web");
        assertThat(api.get(rsHref).body().get("deny_rules")).hasSize(1);

        Resp pending = api.get("/orgs/1/sec_policy/pending");
        assertThat(pending.body().get("rule_sets").toString()).contains(rsHref);
        Resp prov = api.post("/orgs/1/sec_policy", Map.of("update_description", "shop rules"));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
        long version = prov.body().get("version").asLong();
        assertThat(prov.body().get("href").asText()).isEqualTo("/orgs/1/sec_policy/" + version);
        assertThat(prov.body().get("object_counts").get("rule_sets").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(prov.body().has("workloads_affected")).isTrue();
        assertThat(prov.body().get("created_by").get("href").asText()).isEqualTo("/users/1");

        String activeHref = rsHref.replace("/draft/", "/active/");
        JsonNode active = api.get(activeHref).body();
        assertThat(active.get("href").asText()).isEqualTo(activeHref);
        assertThat(api.get(rsHref.replace("/draft/", "/" + version + "/")).status()).isEqualTo(200);
        assertThat(api.put(activeHref, Map.of("name", "x")).token()).isEqualTo("policy_version_read_only");
        assertThat(api.get("/orgs/1/sec_policy").header("X-Total-Count")).isNotNull();

        assertThat(api.delete(ruleHref).status()).isEqualTo(204);
        assertThat(api.get(rsHref).body().get("rules")).isEmpty();
        assertThat(api.get(activeHref).body().get("rules")).hasSize(1);
    }

    @Test
    void nothingPendingCannotBeProvisioned() {
        api.delete("/orgs/1/sec_policy/pending");
        Resp r = api.post("/orgs/1/sec_policy", Map.of("update_description", "nothing"));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("nothing_to_provision");
    }

    @Test
    synchronized void changeSubsetMissingADependencyNamesIt() {
        api.delete("/orgs/1/sec_policy/pending");
        String ipl = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", unique("partners"),
                "ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24")))).body().get("href").asText();
        String db = label("role", unique("db"));
        Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("partners"),
                "scopes", List.of(List.of(Map.of("label", Map.of("href", db)))),
                "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", db))),
                        "consumers", List.of(Map.of("ip_list", Map.of("href", ipl))),
                        "ingress_services", List.of(Map.of("proto", 6, "port", 443)), "unscoped_consumers", true))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        String rsHref = rs.body().get("href").asText();
        Resp r = api.post("/orgs/1/sec_policy", Map.of("update_description", "only the rule set",
                "change_subset", Map.of("rule_sets", List.of(Map.of("href", rsHref)))));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("provision_dependency_missing");
        assertThat(r.body().get(0).get("message").asText()).contains(ipl);
        Resp ok = api.post("/orgs/1/sec_policy", Map.of("update_description", "both",
                "change_subset", Map.of("rule_sets", List.of(Map.of("href", rsHref)), "ip_lists", List.of(Map.of("href", ipl)))));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    }

    @Test
    synchronized void pendingChangesCanBeRevertedAndVersionsRestored() {
        api.delete("/orgs/1/sec_policy/pending");
        String name = unique("temp");
        String href = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", name,
                "service_ports", List.of(Map.of("proto", 17, "port", 53)))).body().get("href").asText();
        assertThat(api.get("/orgs/1/sec_policy/pending").body().get("services").toString()).contains(href);
        assertThat(api.delete("/orgs/1/sec_policy/pending").status()).isEqualTo(204);
        assertThat(api.get(href).status()).isEqualTo(404);
        assertThat(api.get("/orgs/1/events?event_type=sec_policy_pending.delete").body().size()).isGreaterThanOrEqualTo(1);

        String before = provisionSomething();
        long beforeVersion = Long.parseLong(before.substring(before.lastIndexOf('/') + 1));
        String svc = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("later"),
                "service_ports", List.of(Map.of("proto", 6, "port", 8080)))).body().get("href").asText();
        provision("add later");
        Resp restored = api.post("/orgs/1/sec_policy/" + beforeVersion + "/restore", Map.of());
        assertThat(restored.status()).as(restored.toString()).isEqualTo(201);
        assertThat(restored.body().get("version").asLong()).isGreaterThan(beforeVersion + 1);
        assertThat(api.get(svc.replace("/draft/", "/active/")).status()).isEqualTo(404);
        assertThat(api.get(svc).status()).isEqualTo(404);
        assertThat(api.get("/orgs/1/events?event_type=sec_policy.restore").body().size()).isEqualTo(1);
    }

    private String provisionSomething() {
        api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("svc"),
                "service_ports", List.of(Map.of("proto", 6, "port", 9000))));
        return provision("something");
    }

    @Test
    void firewallSettingsAreASingletonReadAndWrittenInDraft() {
        String l = label("loc", unique("dc1"));
        Resp get = api.get("/orgs/1/sec_policy/draft/firewall_settings");
        assertThat(get.body().get("href").asText()).isEqualTo("/orgs/1/sec_policy/draft/firewall_settings");
        Resp put = api.put("/orgs/1/sec_policy/draft/firewall_settings", Map.of("firewall_coexistence",
                List.of(Map.of("illumio_primary", true, "scope", List.of(Map.of("href", l)), "workload_mode", "enforced"))));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(api.get("/orgs/1/sec_policy/draft/firewall_settings").body().get("firewall_coexistence")).hasSize(1);
        assertThat(api.put("/orgs/1/sec_policy/draft/firewall_settings", Map.of("firewall_coexistence",
                List.of(Map.of("workload_mode", "sometimes")))).token()).isEqualTo("invalid_workload_mode");
        assertThat(api.get("/orgs/1/sec_policy/active/firewall_settings").body().get("href").asText())
                .isEqualTo("/orgs/1/sec_policy/active/firewall_settings");
    }

    @Test
    void everyWriteRecordsAnEventWithBeforeAndAfter() {
        String href = label("app", unique("audit"));
        api.put(href, Map.of("description", "changed"));
        Resp ev = api.get("/orgs/1/events?event_type=label.update&max_results=1");
        JsonNode e = ev.body().get(0);
        assertThat(e.get("created_by").get("user").get("href").asText()).isEqualTo("/users/1");
        JsonNode change = e.get("resource_changes").get(0);
        assertThat(change.get("resource").get("href").asText()).isEqualTo(href);
        assertThat(change.get("before").has("description")).isFalse();
        assertThat(change.get("after").get("description").asText()).isEqualTo("changed");
        assertThat(api.get("/orgs/1/events?severity=info&max_results=5").body().size()).isGreaterThan(0);
        assertThat(api.get("/orgs/1/events?timestamp[gte]=2999-01-01T00:00:00.000Z").body()).isEmpty();
        assertThat(api.get("/orgs/1/events?timestamp[lte]=2999-01-01T00:00:00.000Z").body().size()).isGreaterThan(0);
        assertThat(api.get("/orgs/1/events?severity=loud").status()).isEqualTo(406);
    }

    @Test
    void exportedDocumentImportsBackIntoDraft() {
        Resp export = api.get("/orgs/1/sec_policy/active/export");
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body().has("rule_sets")).isTrue();
        assertThat(export.body().get("ip_lists").toString()).contains("Any (0.0.0.0/0 and ::/0)");
        Resp bad = api.post("/orgs/1/sec_policy/draft/import", "{\"labels\": [], \"rulez\": []}");
        assertThat(bad.status()).isEqualTo(406);
        assertThat(bad.token()).isEqualTo("unknown_field");
    }

    @Test
    void importedNumbersAreNeverHandedOutAgain() {
        com.fasterxml.jackson.databind.node.ObjectNode doc =
                (com.fasterxml.jackson.databind.node.ObjectNode) api.get("/orgs/1/sec_policy/draft/export").body();
        String label = "/orgs/1/labels/9001";
        String ruleSet = "/orgs/1/sec_policy/draft/rule_sets/9001";
        doc.withArray("labels").addObject().put("href", label).put("key", "role").put("value", unique("imported"));
        String any = api.get("/orgs/1/sec_policy/draft/ip_lists?name=Any").body().get(0).get("href").asText();
        com.fasterxml.jackson.databind.node.ObjectNode rs = doc.withArray("rule_sets").addObject();
        rs.put("href", ruleSet).put("name", unique("imported")).putArray("scopes").addArray();
        com.fasterxml.jackson.databind.node.ObjectNode rule = rs.putArray("rules").addObject();
        rule.put("href", ruleSet + "/sec_rules/9001");
        rule.putArray("providers").addObject().putObject("label").put("href", label);
        rule.putArray("consumers").addObject().putObject("ip_list").put("href", any);
        rule.putArray("ingress_services").addObject().put("proto", 6).put("port", 22);
        Resp imported = api.post("/orgs/1/sec_policy/draft/import", doc.toString());
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);

        String next = label("role", unique("after-import"));
        assertThat(Long.parseLong(next.substring(next.lastIndexOf('/') + 1))).isGreaterThan(9001);
        JsonNode stored = api.get(ruleSet).body();
        com.fasterxml.jackson.databind.node.ArrayNode rules = stored.get("rules").deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode added = rules.addObject();
        added.set("providers", rule.get("providers"));
        added.set("consumers", rule.get("consumers"));
        added.putArray("ingress_services").addObject().put("proto", 6).put("port", 2222);
        Resp put = api.put(ruleSet, java.util.Map.of("rules", rules));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        JsonNode after = api.get(ruleSet).body().get("rules");
        assertThat(after).hasSize(2);
        assertThat(after.get(0).get("href").asText()).isEqualTo(ruleSet + "/sec_rules/9001");
        String newRule = after.get(1).get("href").asText();
        assertThat(Long.parseLong(newRule.substring(newRule.lastIndexOf('/') + 1))).isGreaterThan(9001);
    }

    /** What an audit sent: nulls inside lists and over-long values are 406 naming the place, never 500 or stored. */
    @Test
    void nullsInListsAndOverlongValuesAre406AndLeaveTheDraftUsable() {
        String any = builtIn("ip_lists", "Any (0.0.0.0/0 and ::/0)");
        Map<String, Object> nullInList = new java.util.LinkedHashMap<>();
        nullInList.put("/orgs/1/sec_policy/draft/services", "{\"name\":\"" + unique("s") + "\",\"service_ports\":[null]}");
        nullInList.put("/orgs/1/sec_policy/draft/label_groups", "{\"name\":\"" + unique("g") + "\",\"key\":\"app\",\"labels\":[null]}");
        nullInList.put("/orgs/1/workloads", "{\"name\":\"" + unique("w") + "\",\"interfaces\":[null]}");
        nullInList.put("/orgs/1/sec_policy/draft/ip_lists", "{\"name\":\"" + unique("i") + "\",\"ip_ranges\":[null]}");
        nullInList.put("/orgs/1/sec_policy/draft/rule_sets", "{\"name\":\"" + unique("rs") + "\",\"scopes\":[[null]]}");
        nullInList.put("/orgs/1/sec_policy/draft/rule_sets#rules", "{\"name\":\"" + unique("rs") + "\",\"scopes\":[[]],"
                + "\"rules\":[{\"providers\":[null],\"consumers\":[{\"ip_list\":{\"href\":\"" + any + "\"}}],"
                + "\"ingress_services\":[{\"proto\":6,\"port\":1}]}]}");
        nullInList.put("/orgs/1/sec_policy/draft/import", "{\"ip_lists\":[null]}");
        nullInList.forEach((path, body) -> {
            String url = path.replaceAll("#.*", "");
            Resp r = url.endsWith("/import") ? api.post(url, body) : api.post(url, body);
            assertThat(r.status()).as(path + ": " + r).isEqualTo(406);
            assertThat(r.token()).as(path).isEqualTo("null_in_list");
            assertThat(r.body().get(0).get("message").asText()).as(path).contains("null at ");
        });
        Resp settings = api.put("/orgs/1/sec_policy/draft/firewall_settings", "{\"firewall_coexistence\":[null]}");
        assertThat(settings.token()).isEqualTo("null_in_list");

        Resp longName = api.post("/orgs/1/labels", Map.of("key", "app", "value", "x".repeat(5000)));
        assertThat(longName.status()).as(longName.toString()).isEqualTo(406);
        assertThat(longName.token()).isEqualTo("value_too_long");
        assertThat(longName.body().get(0).get("message").asText()).contains("5000").contains("1000");
        assertThat(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "r".repeat(5000), "scopes", List.of(List.of())))
                .token()).isEqualTo("value_too_long");

        // the draft still compiles: nothing of the above was stored
        assertThat(api.get("/orgs/1/sec_policy/draft/rule_conflicts").status()).isEqualTo(200);
        assertThat(api.get("/orgs/1/sec_policy/draft/services?name=s-").body().toString()).doesNotContain("null");
    }

    @Test
    void eventsFilterByTimeInAnyOffsetAndAreReadByHref() throws Exception {
        label("loc", unique("evt-before"));
        pce.clock.advance(java.time.Duration.ofMillis(1500));
        label("loc", unique("evt"));
        JsonNode newest = api.get("/orgs/1/events?max_results=1").body().get(0);
        String at = newest.get("timestamp").asText(); // the harness's clock, with milliseconds
        java.time.Instant t = java.time.Instant.parse(at);
        String second = t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(); // no fraction
        assertThat(api.get("/orgs/1/events?timestamp[gte]=" + second).body().toString()).as("whole seconds, Z")
                .contains(newest.get("href").asText());
        String plusOne = java.time.OffsetDateTime.ofInstant(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                java.time.ZoneOffset.ofHours(1)).toString().replace("+", "%2B");
        assertThat(api.get("/orgs/1/events?timestamp[gte]=" + plusOne).body().toString()).as("another offset")
                .contains(newest.get("href").asText());
        String justBefore = t.minusMillis(1).toString();
        JsonNode upTo = api.get("/orgs/1/events?timestamp[lte]=" + justBefore + "&max_results=1000").body();
        for (JsonNode e : upTo) {
            assertThat(java.time.Instant.parse(e.get("timestamp").asText())).isBeforeOrEqualTo(t.minusMillis(1));
        }
        assertThat(upTo.toString()).doesNotContain(newest.get("href").asText());
        assertThat(upTo.size()).as("the earlier events are there").isPositive();
        assertThat(api.get("/orgs/1/events?timestamp[gte]=yesterday").token()).isEqualTo("invalid_timestamp");

        Resp one = api.get(newest.get("href").asText());
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.body().get("timestamp").asText()).isEqualTo(at);
        assertThat(api.get("/orgs/1/events/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void nestedRuleListsPageAndCountAndUntouchedRulesKeepTheirUpdatedAt() throws Exception {
        String any = builtIn("ip_lists", "Any (0.0.0.0/0 and ::/0)");
        String app = label("app", unique("nested"));
        Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", unique("nested"),
                "scopes", List.of(List.of(Map.of("label", Map.of("href", app))))));
        String href = rs.body().get("href").asText();
        for (int port = 1; port <= 3; port++) {
            Resp r = api.post(href + "/sec_rules", Map.of("providers", List.of(Map.of("actors", "ams")),
                    "consumers", List.of(Map.of("ip_list", Map.of("href", any))),
                    "ingress_services", List.of(Map.of("proto", 6, "port", port)),
                    "external_data_set", "nested-test", "external_data_reference", href + "#" + port));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            pce.clock.advance(java.time.Duration.ofSeconds(1));
        }
        Resp page = api.get(href + "/sec_rules?max_results=1");
        assertThat(page.body()).hasSize(1);
        assertThat(page.header("X-Total-Count")).isEqualTo("3");
        JsonNode rules = api.get(href + "/sec_rules").body();
        assertThat(rules.get(0).get("updated_at").asText()).as("the first rule was not changed by adding the others")
                .isEqualTo(rules.get(0).get("created_at").asText());
        assertThat(rules.get(0).path("enabled").asBoolean(false)).as("defaults are shown").isTrue();
        assertThat(rules.get(0).path("unscoped_consumers").isBoolean()).isTrue();
        assertThat(rules.get(0).path("stateless").isBoolean()).isTrue();
        assertThat(rules.get(2).get("created_at").asText()).as("the clock moved between the rules")
                .isNotEqualTo(rules.get(0).get("created_at").asText());

        Resp dup = api.post(href + "/sec_rules", Map.of("providers", List.of(Map.of("actors", "ams")),
                "consumers", List.of(Map.of("ip_list", Map.of("href", any))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 9)),
                "external_data_set", "nested-test", "external_data_reference", href + "#1"));
        assertThat(dup.token()).isEqualTo("external_data_reference_in_use");
        assertThat(api.get("/orgs/1/sec_policy/draft/rule_conflicts").header("X-Total-Count")).isNotNull();
    }

    @Test
    void workloadAndVenFieldFiltersFilterOrSayWhy() {
        String name = unique("filt");
        workload(name, "10.123.0.1");
        JsonNode unmanaged = api.get("/orgs/1/workloads?managed=false&name=" + name).body();
        assertThat(unmanaged).hasSize(1);
        assertThat(api.get("/orgs/1/workloads?managed=true&name=" + name).body()).isEmpty();
        Resp page = api.get("/orgs/1/workloads?managed=false&max_results=1");
        assertThat(page.body()).hasSize(1);
        assertThat(Long.parseLong(page.header("X-Total-Count"))).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/orgs/1/workloads?enforcement_mode=strict").token()).isEqualTo("invalid_enforcement_mode");
        assertThat(api.get("/orgs/1/vens?status=gone").token()).isEqualTo("invalid_status");
        for (JsonNode v : api.get("/orgs/1/vens?status=suspended").body()) assertThat(v.get("status").asText()).isEqualTo("suspended");
        assertThat(api.get("/orgs/1/sec_policy/draft").body().get(0).get("message").asText()).contains("pending");
    }

    @Test
    void wrongJsonTypesAreRefusedNotConverted() {
        Resp key = api.post("/orgs/1/labels", "{\"key\":5,\"value\":\"" + unique("v") + "\"}");
        assertThat(key.status()).as(key.toString()).isEqualTo(406);
        assertThat(key.body().get(0).get("message").asText()).contains("key").contains("a string");
        Resp desc = api.post("/orgs/1/sec_policy", "{\"update_description\":{\"a\":1}}");
        assertThat(desc.token()).isEqualTo("invalid_update_description");
        Resp cidr = api.post("/orgs/1/workloads", Map.of("name", unique("cidr"),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.124.0.1", "cidr_block", 99))));
        assertThat(cidr.status()).as(cidr.toString()).isEqualTo(406);
        assertThat(cidr.token()).isEqualTo("invalid_cidr_block");
    }

    @Test
    synchronized void importingTheActiveExportLeavesNothingPending() {
        label("role", unique("imp"));
        api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("imp"),
                "service_ports", List.of(Map.of("proto", 6, "port", 7)))); // something to provision
        provision("before import");
        Resp export = api.get("/orgs/1/sec_policy/active/export");
        pce.clock.advance(java.time.Duration.ofSeconds(5)); // an import stamps nothing anew that it was given
        Resp imported = api.post("/orgs/1/sec_policy/draft/import", export.raw().body());
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        JsonNode pending = api.get("/orgs/1/sec_policy/pending").body();
        pending.fields().forEachRemaining(e -> assertThat(e.getValue()).as(e.getKey() + " pending after importing"
                + " what is active").isEmpty());
    }

    @Test
    void usersKeysAndPermissionsCarryTheFourStamps() {
        Resp user = api.post("/users", Map.of("username", unique("stamps")));
        String href = user.body().get("href").asText();
        Resp key = api.post(href + "/api_keys", Map.of("name", "k"));
        Resp perm = api.post("/orgs/1/permissions", Map.of("role", Map.of("href", "/roles/read_only"),
                "auth_security_principal", Map.of("href", href)));
        for (Resp r : List.of(user, key, perm)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            for (String f : List.of("created_at", "updated_at", "created_by", "updated_by")) {
                assertThat(r.body().hasNonNull(f)).as(f + " in " + r.body()).isTrue();
            }
        }
    }

    /** What only provisioning used to catch is refused when the object is saved, with the engine's message. */
    @Test
    void ipListsServicesAndPairingProfilesAreCheckedWhenSaved() {
        Resp backwards = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", unique("ipl"),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.9", "to_ip", "10.0.0.1"))));
        assertThat(backwards.status()).as(backwards.toString()).isEqualTo(406);
        Resp mixed = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", unique("ipl"),
                "ip_ranges", List.of(Map.of("from_ip", "10.0.0.1", "to_ip", "2001:db8::1"))));
        assertThat(mixed.status()).as(mixed.toString()).isEqualTo(406);
        Resp port = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("svc"),
                "service_ports", List.of(Map.of("proto", 6, "port", 70000))));
        assertThat(port.status()).as(port.toString()).isEqualTo(406);
        Resp range = api.post("/orgs/1/sec_policy/draft/services", Map.of("name", unique("svc"),
                "service_ports", List.of(Map.of("proto", 6, "port", 8080, "to_port", 8000))));
        assertThat(range.status()).as(range.toString()).isEqualTo(406);
        String web = label("role", unique("pp-web"));
        String db = label("role", unique("pp-db"));
        Resp profile = api.post("/orgs/1/pairing_profiles", Map.of("name", unique("pp"),
                "labels", List.of(Map.of("href", web), Map.of("href", db))));
        assertThat(profile.token()).isEqualTo("pairing_profile_label_key_duplicate");
        assertThat(profile.body().get(0).get("message").asText()).contains("key 'role'");
        assertThat(api.get("/orgs/1/sec_policy/draft/rule_conflicts").status()).as("the draft still compiles").isEqualTo(200);
    }
}
