package dev.cordon.pce.api.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the Illumio SDK needs beyond the core API (issue 14), checked on a real PCE over HTTP: workload settings,
 * asynchronous collection jobs, bulk workload operations, the filters, the accepted-but-unused fields, enforcement
 * boundaries as deny rules, and the 404 for container clusters; each with its validation, roles and events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IllumioCompatibilityTest {
    PceHarness pce;
    Api owner;
    Api readOnly;
    String[] ownerKey;
    String[] readOnlyKey;

    @BeforeAll
    void start() throws Exception {
        pce = PceHarness.h2();
        owner = pce.owner;
        ownerKey = Files.readString(pce.server.ownerKeyFile()).trim().split(":", 2);
        String userHref = owner.post("/users", Map.of("username", "ro-" + u())).body().get("href").asText();
        Resp p = owner.post("/orgs/1/permissions", Map.of("role", Map.of("href", "/roles/read_only"), "scope", List.of(),
                "auth_security_principal", Map.of("href", userHref)));
        assertThat(p.status()).as(p.toString()).isEqualTo(201);
        JsonNode key = owner.post(userHref + "/api_keys", Map.of("name", "t")).body();
        readOnlyKey = new String[] {key.get("auth_username").asText(), key.get("secret").asText()};
        readOnly = pce.anonymous.as(readOnlyKey[0] + ":" + readOnlyKey[1]);
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    static String u() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- workload settings ----

    @Test
    void workloadSettingsHaveDefaultsAndAreValidatedStoredAndRecorded() {
        Resp r = readOnly.get("/orgs/1/settings/workloads");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("href").asText()).isEqualTo("/orgs/1/settings/workloads");
        assertThat(r.body().get("workload_disconnected_timeout_seconds").get(0).get("value").asLong()).isEqualTo(3600);
        assertThat(r.body().get("workload_goodbye_timeout_seconds").get(0).get("value").asLong()).isEqualTo(900);

        String label = owner.post("/orgs/1/labels", Map.of("key", "env", "value", "settings-" + u())).body().get("href").asText();
        Map<String, Object> body = Map.of("workload_disconnected_timeout_seconds", List.of(
                Map.of("scope", List.of(), "value", 600),
                Map.of("scope", List.of(Map.of("href", label, "key", "env")), "value", -1, "ven_type", "server")));
        assertThat(readOnly.put("/orgs/1/settings/workloads", body).status()).isEqualTo(403);
        Resp put = owner.put("/orgs/1/settings/workloads", body);
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        JsonNode now = owner.get("/orgs/1/settings/workloads").body();
        assertThat(now.get("workload_disconnected_timeout_seconds").toString())
                .isEqualTo("[{\"scope\":[],\"value\":600},{\"scope\":[{\"href\":\"" + label + "\"}],\"value\":-1,\"ven_type\":\"server\"}]");
        assertThat(now.get("workload_goodbye_timeout_seconds").get(0).get("value").asLong()).as("not sent, kept").isEqualTo(900);
        assertThat(owner.get("/orgs/1/events?event_type=workload_settings.update").body().size()).isEqualTo(1);

        // each rule, with its token
        assertThat(owner.put("/orgs/1/settings/workloads", Map.of("workload_disconnected_timeout_seconds",
                List.of(Map.of("scope", List.of(), "value", 10)))).token()).isEqualTo("invalid_workload_disconnected_timeout_seconds");
        assertThat(owner.put("/orgs/1/settings/workloads", Map.of("workload_goodbye_timeout_seconds",
                List.of(Map.of("scope", List.of(Map.of("href", label)), "value", 60)))).body().toString())
                .as("no default entry").contains("needs a default entry");
        assertThat(owner.put("/orgs/1/settings/workloads", Map.of("workload_goodbye_timeout_seconds",
                List.of(Map.of("scope", List.of(Map.of("href", "/orgs/1/labels/999999")), "value", 60),
                        Map.of("scope", List.of(), "value", 60)))).token()).isEqualTo("unknown_reference");
        assertThat(owner.put("/orgs/1/settings/workloads", Map.of("offline_after", 5)).token()).isEqualTo("unknown_field");
        assertThat(owner.put("/orgs/1/settings/workloads", Map.of("workload_goodbye_timeout_seconds",
                List.of(Map.of("scope", List.of(), "value", 60, "ven_type", "laptop")))).token()).isEqualTo("invalid_ven_type");
        assertThat(owner.get("/orgs/1/settings/workloads").body()).as("refused changes leave the settings").isEqualTo(now);
    }

    // ---- async collections ----

    HttpResponse<String> raw(String path, String[] key, String prefer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pce.server.port() + "/api/v2" + path))
                .header("Authorization", Api.basic(key[0] + ":" + key[1]));
        if (prefer != null) b.header("Prefer", prefer);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAsyncCollectionReadIsAJobWhoseDatafileHoldsWhatTheSyncReadAnswers() throws Exception {
        String tag = "async-" + u();
        for (int i = 0; i < 3; i++) owner.post("/orgs/1/labels", Map.of("key", "app", "value", tag + "-" + i));
        HttpResponse<String> sync = raw("/orgs/1/labels?value=" + tag, ownerKey, null);
        HttpResponse<String> async = raw("/orgs/1/labels?value=" + tag, ownerKey, "respond-async");
        assertThat(async.statusCode()).isEqualTo(202);
        assertThat(async.body()).isEmpty();
        String job = async.headers().firstValue("Location").orElseThrow();
        assertThat(job).startsWith("/orgs/1/jobs/");
        assertThat(async.headers().firstValue("Retry-After")).isPresent();

        JsonNode status = owner.get(job).body();
        assertThat(status.get("status").asText()).isEqualTo("done");
        assertThat(status.get("requested_by").get("href").asText()).isEqualTo("/users/1");
        String datafile = status.get("result").get("href").asText();
        Resp data = owner.get(datafile);
        assertThat(data.status()).isEqualTo(200);
        assertThat(data.body()).isEqualTo(Api.json(sync.body()));
        assertThat(data.body().size()).isEqualTo(3);

        // another caller sees neither the job nor its data, as if they did not exist
        assertThat(readOnly.get(job).status()).isEqualTo(404);
        assertThat(readOnly.get(datafile).status()).isEqualTo(404);
        assertThat(owner.get("/orgs/1/jobs").body().toString()).contains(job);
        assertThat(readOnly.get("/orgs/1/jobs").body().toString()).doesNotContain(job);

        // errors are answered as the sync read answers them, not as a job
        assertThat(raw("/orgs/1/labels?max_results=x", ownerKey, "respond-async").statusCode()).isEqualTo(406);
        // a single object is not a collection
        assertThat(raw("/orgs/1/settings/workloads", ownerKey, "respond-async").statusCode()).isEqualTo(200);
        assertThat(owner.delete(job).status()).isEqualTo(204);
        assertThat(owner.get(datafile).status()).isEqualTo(404);
    }

    @Test
    void everyCollectionReadsAsynchronouslyTheSameAsSynchronously() throws Exception {
        for (String path : List.of("/orgs/1/workloads", "/orgs/1/pairing_profiles", "/orgs/1/sec_policy/draft/ip_lists",
                "/orgs/1/sec_policy/active/services", "/orgs/1/sec_policy/draft/rule_sets", "/orgs/1/events",
                "/orgs/1/sec_policy/draft/enforcement_boundaries", "/orgs/1/vens")) {
            HttpResponse<String> sync = raw(path, ownerKey, null);
            HttpResponse<String> async = raw(path, ownerKey, "respond-async");
            assertThat(async.statusCode()).as(path).isEqualTo(202);
            String datafile = owner.get(async.headers().firstValue("Location").orElseThrow()).body()
                    .get("result").get("href").asText();
            if (!path.endsWith("/events")) { // reading events records none, but the async read comes later
                assertThat(owner.get(datafile).body()).as(path).isEqualTo(Api.json(sync.body()));
            }
        }
    }

    // ---- bulk workloads ----

    @Test
    void bulkOperationsReportEachItemAndOneBadItemFailsAlone() {
        String tag = "bulk-" + u();
        Resp created = owner.put("/orgs/1/workloads/bulk_create", List.of(
                Map.of("name", tag + "-a", "external_data_set", tag, "external_data_reference", "a"),
                Map.of("name", tag + "-b", "interfaces", List.of(Map.of("name", "eth0", "address", "10.0.0.300"))),
                Map.of("name", tag + "-c", "external_data_set", tag, "external_data_reference", "c")));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(created.body().get(0).get("status").asText()).isEqualTo("created");
        assertThat(created.body().get(1).get("status").asText()).isEqualTo("failed");
        assertThat(created.body().get(1).get("errors").get(0).get("token").asText()).isEqualTo("invalid_interface_address");
        assertThat(created.body().get(2).get("status").asText()).isEqualTo("created");
        assertThat(owner.get("/orgs/1/workloads?external_data_set=" + tag).body().size()).isEqualTo(2);
        String a = created.body().get(0).get("href").asText();
        String c = created.body().get(2).get("href").asText();

        Resp updated = owner.put("/orgs/1/workloads/bulk_update", List.of(Map.of("href", a, "enforcement_mode", "selective"),
                Map.of("href", c, "enforcement_mode", "loud")));
        assertThat(updated.body().get(0).get("status").asText()).isEqualTo("updated");
        assertThat(updated.body().get(1).get("status").asText()).isEqualTo("failed");
        assertThat(owner.get(a).body().get("enforcement_mode").asText()).isEqualTo("selective");

        assertThat(readOnly.put("/orgs/1/workloads/bulk_delete", List.of(Map.of("href", a))).status()).isEqualTo(403);
        Resp deleted = owner.put("/orgs/1/workloads/bulk_delete", List.of(Map.of("href", a), Map.of("href", c),
                Map.of("href", "/orgs/1/workloads/" + UUID.randomUUID())));
        assertThat(deleted.body().get(0).get("status").asText()).isEqualTo("deleted");
        assertThat(deleted.body().get(1).get("status").asText()).isEqualTo("deleted");
        assertThat(deleted.body().get(2).get("status").asText()).isEqualTo("failed");
        assertThat(owner.get("/orgs/1/workloads?external_data_set=" + tag).body().size()).isZero();
        assertThat(owner.get("/orgs/1/events?event_type=workload.delete").body().toString()).contains(a).contains(c);
        assertThat(owner.put("/orgs/1/workloads/bulk_create", Map.of("name", "x")).token()).isEqualTo("invalid_body");
    }

    // ---- filters ----

    @Test
    void labelValuesMatchPartiallyAndServicesAndIpListsFilterByWhatTheyHold() {
        String tag = "flt-" + u();
        owner.post("/orgs/1/labels", Map.of("key", "role", "value", "A-" + tag + "-web"));
        owner.post("/orgs/1/labels", Map.of("key", "app", "value", "B-" + tag.toUpperCase() + "-web"));
        assertThat(owner.get("/orgs/1/labels?value=" + tag).body().size()).isEqualTo(2);
        assertThat(owner.get("/orgs/1/labels?key=role&value=" + tag).body().size()).isEqualTo(1);

        String s = "/orgs/1/sec_policy/draft/services";
        owner.post(s, Map.of("name", tag + "-web", "service_ports", List.of(Map.of("proto", 6, "port", 80), Map.of("proto", 6, "port", 443))));
        owner.post(s, Map.of("name", tag + "-low", "service_ports", List.of(Map.of("proto", 6, "port", 1, "to_port", 1023))));
        owner.post(s, Map.of("name", tag + "-rdp", "service_ports", List.of(Map.of("proto", 6, "port", 3389), Map.of("proto", 17, "port", 3389))));
        assertThat(owner.get(s + "?name=" + tag + "&port=443").body().size()).isEqualTo(2);
        assertThat(owner.get(s + "?name=" + tag + "&proto=17").body().size()).isEqualTo(1);
        assertThat(owner.get(s + "?name=" + tag + "&port=3389&proto=17").body().size()).isEqualTo(1);
        assertThat(owner.get(s + "?port=http").token()).isEqualTo("invalid_port");

        String l = "/orgs/1/sec_policy/draft/ip_lists";
        owner.post(l, Map.of("name", tag + "-net", "ip_ranges", List.of(Map.of("from_ip", "192.168.0.0/16"),
                Map.of("from_ip", "192.168.0.1", "exclusion", true)), "fqdns", List.of(Map.of("fqdn", "*.internal.labs.io"))));
        assertThat(owner.get(l + "?name=" + tag + "&ip_list=192.168.7.7").body().size()).isEqualTo(1);
        assertThat(owner.get(l + "?name=" + tag + "&ip_list=192.168.0.1").body().size()).as("excluded").isZero();
        assertThat(owner.get(l + "?name=" + tag + "&ip_list=10.0.0.1").body().size()).isZero();
        assertThat(owner.get(l + "?name=" + tag + "&fqdn=labs.io").body().size()).isEqualTo(1);
        assertThat(owner.get(l + "?ip_list=192.168.0").token()).isEqualTo("invalid_ip_list");
    }

    // ---- accepted, no effect ----

    @Test
    void fieldsIllumioHasButCordonDoesNotActOnAreAcceptedValidatedStoredAndReturned() {
        Map<String, Object> profile = new HashMap<>(Map.of("name", "pp-" + u(), "enabled", true,
                "enforcement_mode_lock", true, "visibility_level", "flow_summary", "visibility_level_lock", true,
                "role_label_lock", false, "app_label_lock", false, "env_label_lock", true, "loc_label_lock", false));
        Resp pp = owner.post("/orgs/1/pairing_profiles", profile);
        assertThat(pp.status()).as(pp.toString()).isEqualTo(201);
        JsonNode read = owner.get(pp.body().get("href").asText()).body();
        assertThat(read.get("env_label_lock").asBoolean()).isTrue();
        assertThat(read.get("visibility_level").asText()).isEqualTo("flow_summary");
        profile.put("name", "pp-" + u());
        profile.put("visibility_level", "everything");
        assertThat(owner.post("/orgs/1/pairing_profiles", profile).token()).isEqualTo("invalid_visibility_level");
        profile.put("visibility_level", "flow_off");
        profile.put("env_label_lock", "yes");
        assertThat(owner.post("/orgs/1/pairing_profiles", profile).status()).isEqualTo(406);
        profile.remove("env_label_lock");
        profile.put("role_lock", true);
        assertThat(owner.post("/orgs/1/pairing_profiles", profile).token()).as("not Illumio's either").isEqualTo("unknown_field");

        String wl = owner.post("/orgs/1/workloads", Map.of("name", "pub-" + u())).body().get("href").asText();
        assertThat(owner.put(wl, Map.of("public_ip", "203.0.113.9")).status()).isEqualTo(204);
        assertThat(owner.get(wl).body().get("public_ip").asText()).isEqualTo("203.0.113.9");
        assertThat(owner.put(wl, Map.of("public_ip", "203.0.113")).token()).isEqualTo("invalid_public_ip");

        // a label group updated with its labels as read (whole label objects)
        JsonNode l1 = owner.post("/orgs/1/labels", Map.of("key", "role", "value", "lg-" + u())).body();
        JsonNode l2 = owner.post("/orgs/1/labels", Map.of("key", "role", "value", "lg-" + u())).body();
        String lg = owner.post("/orgs/1/sec_policy/draft/label_groups", Map.of("name", "lg-" + u(), "key", "role",
                "labels", List.of(l1))).body().get("href").asText();
        Resp put = owner.put(lg, Map.of("labels", List.of(l1, l2)));
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
        assertThat(owner.get(lg).body().get("labels").toString())
                .isEqualTo("[{\"href\":\"" + l1.get("href").asText() + "\"},{\"href\":\"" + l2.get("href").asText() + "\"}]");

        // a draft rule set naming the active href of the built-in IP list refers to the draft object
        String rs = owner.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "rs-" + u(), "scopes", List.of(List.of())))
                .body().get("href").asText();
        Resp rule = owner.post(rs + "/sec_rules", Map.of("providers", List.of(Map.of("label", Map.of("href", l1.get("href").asText()))),
                "consumers", List.of(Map.of("ip_list", Map.of("href", "/orgs/1/sec_policy/active/ip_lists/1"))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 443))));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        assertThat(rule.body().get("consumers").get(0).get("ip_list").get("href").asText())
                .isEqualTo("/orgs/1/sec_policy/draft/ip_lists/1");
    }

    // ---- enforcement boundaries ----

    @Test
    void anEnforcementBoundaryIsADenyRuleSeenFromBothSides() {
        String svc = owner.post("/orgs/1/sec_policy/draft/services", Map.of("name", "eb-rdp-" + u(),
                "service_ports", List.of(Map.of("proto", 6, "port", 3389)))).body().get("href").asText();
        JsonNode service = owner.get(svc).body();
        String name = "EB-" + u();
        Resp eb = owner.post("/orgs/1/sec_policy/draft/enforcement_boundaries", Map.of("name", name,
                "providers", List.of(Map.of("actors", "ams")),
                "consumers", List.of(Map.of("ip_list", Map.of("href", "/orgs/1/sec_policy/active/ip_lists/1"))),
                "ingress_services", List.of(service, Map.of("proto", 6, "port", 20009))));
        assertThat(eb.status()).as(eb.toString()).isEqualTo(201);
        String href = eb.body().get("href").asText();
        assertThat(href).startsWith("/orgs/1/sec_policy/draft/enforcement_boundaries/");
        assertThat(owner.get("/orgs/1/sec_policy/draft/enforcement_boundaries?name=" + name).body().size()).isEqualTo(1);

        // the same object as a deny rule of the marked rule set
        JsonNode rs = owner.get("/orgs/1/sec_policy/draft/rule_sets?external_data_set=cordon:enforcement_boundaries").body().get(0);
        JsonNode deny = rs.get("deny_rules").get(0);
        assertThat(deny.get("description").asText()).isEqualTo(name);
        assertThat(deny.get("override").asBoolean()).isFalse();
        assertThat(deny.get("href").asText()).endsWith(href.substring(href.lastIndexOf('/')));
        assertThat(deny.get("ingress_services").get(0).toString()).isEqualTo("{\"href\":\"" + svc + "\"}");
        assertThat(owner.get("/orgs/1/events?event_type=deny_rule.create").body().toString()).contains(deny.get("href").asText());

        // a change through the rule set shows in the boundary, and back
        assertThat(owner.put(deny.get("href").asText(), Map.of("description", name + "-renamed")).status()).isEqualTo(204);
        assertThat(owner.get(href).body().get("name").asText()).isEqualTo(name + "-renamed");
        assertThat(owner.put(href, Map.of("ingress_services", List.of(Map.of("proto", 17, "port", 20009)))).status()).isEqualTo(204);
        assertThat(owner.get(deny.get("href").asText()).body().get("ingress_services").toString()).contains("17");

        assertThat(readOnly.post("/orgs/1/sec_policy/draft/enforcement_boundaries", Map.of("name", "x")).status()).isEqualTo(403);
        assertThat(owner.post("/orgs/1/sec_policy/draft/enforcement_boundaries", Map.of("name", name + "-renamed",
                "providers", List.of(Map.of("actors", "ams")), "consumers", List.of(Map.of("actors", "ams")),
                "ingress_services", List.of()))).as("names are unique").extracting(Resp::token)
                .isEqualTo("enforcement_boundary_name_in_use");
        assertThat(owner.post("/orgs/1/sec_policy/draft/enforcement_boundaries", Map.of("name", "y", "scope", List.of()))
                .token()).isEqualTo("unknown_field");

        // provisioned by its href (as the SDK's changeset names it), it is in the active version with its rule set
        Resp prov = owner.post("/orgs/1/sec_policy", Map.of("update_description", "eb", "change_subset",
                Map.of("enforcement_boundaries", List.of(Map.of("href", href)), "services", List.of(Map.of("href", svc)))));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
        assertThat(owner.get(rs.get("href").asText().replace("/draft/", "/active/")).status()).isEqualTo(200);
        assertThat(owner.get(href.replace("/draft/", "/active/")).body().get("name").asText()).isEqualTo(name + "-renamed");
        assertThat(owner.delete(href).status()).isEqualTo(204);
        assertThat(owner.get(href).status()).isEqualTo(404);
    }

    // ---- virtual services ----

    @Test
    void aRuleToAVirtualServiceAllowsItsBoundWorkloadsOnTheirPortsAndPolicyCheckSaysSo() {
        String t = u();
        String client = owner.post("/orgs/1/labels", Map.of("key", "role", "value", "vs-client-" + t)).body().get("href").asText();
        String c = owner.post("/orgs/1/workloads", Map.of("name", "vs-c-" + t, "labels", List.of(Map.of("href", client)),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.77.0.1")))).body().get("href").asText();
        String a = owner.post("/orgs/1/workloads", Map.of("name", "vs-a-" + t,
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.77.0.2")))).body().get("href").asText();
        String b = owner.post("/orgs/1/workloads", Map.of("name", "vs-b-" + t,
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.77.0.3")))).body().get("href").asText();
        Resp vs = owner.post("/orgs/1/sec_policy/draft/virtual_services", Map.of("name", "vs-" + t,
                "service_ports", List.of(Map.of("proto", 6, "port", 8080))));
        assertThat(vs.status()).as(vs.toString()).isEqualTo(201);
        String vsHref = vs.body().get("href").asText();
        String active = vsHref.replace("/draft/", "/active/");
        // only a provisioned virtual service can be bound
        assertThat(owner.post("/orgs/1/service_bindings", List.of(Map.of("virtual_service", Map.of("href", active),
                "workload", Map.of("href", a)))).token()).isEqualTo("unknown_reference");
        assertThat(owner.post("/orgs/1/sec_policy", Map.of("update_description", "vs", "change_subset",
                Map.of("virtual_services", List.of(Map.of("href", vsHref))))).status()).isEqualTo(201);
        assertThat(readOnly.post("/orgs/1/service_bindings", List.of(Map.of("virtual_service", Map.of("href", active),
                "workload", Map.of("href", a)))).status()).isEqualTo(403);
        assertThat(owner.post("/orgs/1/service_bindings", List.of(Map.of("virtual_service", Map.of("href", active),
                "workload", Map.of("href", b), "port_overrides", List.of(Map.of("port", 8081, "proto", 6, "new_port", 9090)))))
                .token()).isEqualTo("invalid_port_override");
        Resp bound = owner.post("/orgs/1/service_bindings", List.of(
                Map.of("virtual_service", Map.of("href", active), "workload", Map.of("href", a)),
                Map.of("virtual_service", Map.of("href", active), "workload", Map.of("href", b),
                        "port_overrides", List.of(Map.of("port", 8080, "proto", 6, "new_port", 9090)))));
        assertThat(bound.status()).as(bound.toString()).isEqualTo(201);
        assertThat(bound.body().size()).isEqualTo(2);
        assertThat(bound.body().get(0).get("virtual_service").get("href").asText()).isEqualTo(active);
        assertThat(owner.get("/orgs/1/service_bindings?virtual_service=" + active).body().size()).isEqualTo(2);
        assertThat(owner.get("/orgs/1/events?event_type=service_binding.create").body().size()).isGreaterThanOrEqualTo(2);

        String rs = owner.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "vs-rs-" + t, "scopes", List.of(List.of())))
                .body().get("href").asText();
        Resp rule = owner.post(rs + "/sec_rules", Map.of("providers", List.of(Map.of("virtual_service", Map.of("href", active))),
                "consumers", List.of(Map.of("label", Map.of("href", client))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 22))));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        assertThat(owner.post("/orgs/1/sec_policy", Map.of("update_description", "vs rule")).status()).isEqualTo(201);
        // these workloads are unmanaged (nothing enforces on them), so what counts is which rules policy_check finds
        String check = "/orgs/1/sec_policy/active/policy_check?src_workload=" + c + "&protocol=6&dst_workload=";
        String ruleHref = rule.body().get("href").asText().replace("/draft/", "/active/");
        java.util.function.Function<String, String> rules = q -> owner.get(check + q).body().get("sec_rules").toString();
        assertThat(rules.apply(a + "&port=8080")).contains(ruleHref);
        assertThat(rules.apply(b + "&port=9090")).contains(ruleHref);
        assertThat(rules.apply(b + "&port=8080")).as("b serves it on 9090").doesNotContain(ruleHref);
        assertThat(rules.apply(c + "&port=8080")).as("not bound").doesNotContain(ruleHref);
        assertThat(rules.apply(a + "&port=22")).as("the rule's ingress_services are for its other providers")
                .doesNotContain(ruleHref);

        // in use: the virtual service cannot go while bound; the bindings can
        assertThat(owner.delete(vsHref).status()).isEqualTo(406);
        for (JsonNode x : bound.body()) assertThat(owner.delete(x.get("href").asText()).status()).isEqualTo(204);
        assertThat(rules.apply(a + "&port=8080")).as("unbound").doesNotContain(ruleHref);
    }

    // ---- not supported ----

    @Test
    void containerClustersAreAnsweredNotSupported() {
        for (String path : List.of("/orgs/1/container_clusters", "/orgs/1/container_clusters/5/container_workload_profiles")) {
            Resp r = owner.get(path);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.token()).isEqualTo("not_supported");
            assertThat(r.body().get(0).get("message").asText()).contains("not supported");
        }
        assertThat(owner.post("/orgs/1/container_clusters", Map.of("name", "k8s")).token()).isEqualTo("not_supported");
    }
}
