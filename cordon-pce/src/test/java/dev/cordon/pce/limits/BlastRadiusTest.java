package dev.cordon.pce.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.PceServer;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a VEN (authenticated by an activation code or agent token only) sends is checked as strictly as the admin
 * API, and a stored workload the engine cannot compile (old data) is set aside: provisioning and policy_check go on
 * for the org, the workload shows a condition, an event says so.
 */
class BlastRadiusTest {
    @TempDir
    Path dir;
    PceServer server;
    Api owner;
    Api anonymous;

    void start() throws Exception {
        server = new PceServer(new PceServer.Config(dir, null, "127.0.0.1", 0, true),
                new PrintStream(new ByteArrayOutputStream())).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        anonymous = new Api(http, "http://127.0.0.1:" + server.port(), null);
        owner = anonymous.as(Files.readString(server.ownerKeyFile()).trim());
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    String code() {
        String profile = owner.post("/orgs/1/pairing_profiles", Map.of("name", "p" + System.nanoTime(),
                "enforcement_mode", "full")).body().get("href").asText();
        return owner.post(profile + "/pairing_key", Map.of()).body().get("activation_code").asText();
    }

    int workloads() {
        return owner.get("/orgs/1/workloads?max_results=100000").body().size();
    }

    /** Activation with one interface whose JSON is {@code itf}. */
    Resp activate(String code, String itf) {
        return anonymous.post("/ven/activate", "{\"activation_code\":\"" + code + "\",\"hostname\":\"h" + System.nanoTime()
                + "\",\"interfaces\":[" + itf + "]}");
    }

    @Test
    void everyBadActivationHeartbeatAndEventIsRefusedAndStoresNothing() throws Exception {
        start();
        String code = code();
        int before = workloads();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("{\"name\":\"eth0\",\"address\":\"\"}", "invalid_ip_address");
        bad.put("{\"name\":\"eth0\",\"address\":1.5}", "invalid_field_type");
        bad.put("{\"name\":\"eth0\",\"address\":-1}", "invalid_field_type");
        bad.put("{\"name\":\"eth0\",\"address\":[]}", "invalid_field_type");
        bad.put("{\"name\":\"eth0\",\"address\":{}}", "invalid_field_type");
        bad.put("{\"name\":\"eth0\",\"address\":\"10.0.0.5/24\"}", "invalid_ip_address");
        bad.put("{\"name\":\"eth0\",\"address\":\"10.0.0.5\",\"cidr_block\":99}", "invalid_cidr_block");
        bad.put("{\"name\":\"eth0\",\"address\":\"10.0.0.5\",\"cidr_block\":18446744073709551617}", "invalid_field_type");
        bad.put("{\"name\":\"eth0\"}", "invalid_interface_address");
        bad.put("{\"name\":7,\"address\":\"10.0.0.5\"}", "invalid_field_type");
        bad.put("\"10.0.0.5\"", "invalid_field_type");
        bad.put("{\"name\":\"eth0\",\"address\":\"10.0.0.5\",\"mac\":\"x\"}", "unknown_field");
        for (var e : bad.entrySet()) {
            Resp r = activate(code, e.getKey());
            assertThat(r.status()).as(e.getKey() + " → " + r).isEqualTo(406);
            assertThat(r.token()).as(e.getKey() + " → " + r).isEqualTo(e.getValue());
        }
        for (String body : List.of(
                "{\"activation_code\":\"" + code + "\",\"hostname\":5}",
                "{\"activation_code\":\"" + code + "\",\"hostname\":\"a\\u0000b\"}",
                "{\"activation_code\":\"" + code + "\",\"hostname\":\"web\",\"os_type\":{}}",
                "{\"activation_code\":\"" + code + "\",\"hostname\":\"web\",\"version\":[1]}",
                "{\"activation_code\":\"" + code + "\",\"hostname\":\"web\",\"interfaces\":{}}")) {
            Resp r = anonymous.post("/ven/activate", body);
            assertThat(r.status()).as(body + " → " + r).isEqualTo(406);
        }
        assertThat(workloads()).isEqualTo(before);
        Resp good = activate(code, "{\"name\":\"eth0\",\"address\":\"10.0.0.5\",\"cidr_block\":24}");
        assertThat(good.status()).as("the code was not used up by refusals: " + good).isEqualTo(201);
        Api agent = anonymous.withAuthorization("Bearer " + good.body().get("agent_token").asText());

        for (String hb : List.of("{\"interfaces\":[{\"address\":1.5}]}", "{\"health\":{}}", "{\"health\":[5]}",
                "{\"health\":[{\"type\":[],\"severity\":\"err\",\"message\":\"x\"}]}",
                "{\"health\":[{\"type\":\"t\",\"severity\":\"fatal\",\"message\":\"x\"}]}",
                "{\"health\":[{\"type\":\"t\",\"severity\":\"err\",\"message\":\"x\",\"extra\":1}]}",
                "{\"applied_hash\":5}", "{\"sync_state\":[]}")) {
            Resp r = agent.post("/ven/heartbeat", hb);
            assertThat(r.status()).as(hb + " → " + r).isEqualTo(406);
        }
        int events = owner.get("/orgs/1/events?max_results=100000").body().size();
        for (String ev : List.of("[5]", "[{\"event_type\":5}]", "[{\"event_type\":\"agent.x\",\"status\":1}]",
                "[{\"event_type\":\"agent.x\",\"severity\":{}}]", "[{\"event_type\":\"agent.x\",\"info\":[]}]",
                "[{\"event_type\":\"agent.x\",\"timestamp\":7}]", "[{\"event_type\":\"agent.\\u0000\"}]", "{}")) {
            Resp r = agent.post("/ven/events", ev);
            assertThat(r.status()).as(ev + " → " + r).isEqualTo(406);
        }
        assertThat(owner.get("/orgs/1/events?max_results=100000").body().size()).isEqualTo(events);
        assertThat(owner.post("/orgs/1/sec_policy", Map.of("update_description", "after refusals")).status())
                .isIn(201, 406); // 406 only for "nothing to provision"; never invalid_ip_address
        String href = good.body().get("workload").get("href").asText();
        Resp check = owner.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=192.0.2.7&dst_workload=" + href
                + "&port=22&protocol=6");
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
    }

    @Test
    void aStoredWorkloadTheEngineCannotCompileIsSetAsideNotBlockingTheOrg() throws Exception {
        start();
        String label = owner.post("/orgs/1/labels", Map.of("key", "role", "value", "web")).body().get("href").asText();
        server.stop();
        server = null;
        // old data: written before today's checks, straight into the store
        Map<String, String> bad = Map.of(
                "w-number", "{\"name\":\"eth0\",\"address\":1.5}",
                "w-prefix", "{\"name\":\"eth0\",\"address\":\"10.0.0.5/24\"}",
                "w-cidr", "{\"name\":\"eth0\",\"address\":\"10.0.0.6\",\"cidr_block\":99}",
                "w-empty", "{\"name\":\"eth0\",\"address\":\"\"}");
        try (Store store = Store.open(dir, null)) {
            store.writeVoid(() -> bad.forEach((id, itf) -> store.objects().put(1, "workload", "/orgs/1/workloads/" + id, Json.parse(
                    "{\"href\":\"/orgs/1/workloads/" + id + "\",\"name\":\"" + id + "\",\"hostname\":\"" + id + "\","
                            + "\"labels\":[{\"href\":\"" + label + "\"}],\"interfaces\":[" + itf + "],\"managed\":false}"), null)));
        }
        start();
        assertThat(owner.post("/orgs/1/workloads", Map.of("name", "good1", "interfaces", List.of(Map.of("name", "eth0",
                "address", "10.0.0.9")))).status()).isEqualTo(201);
        Resp ipl = owner.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "partners",
                "ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24"))));
        assertThat(ipl.status()).as(ipl.toString()).isEqualTo(201);
        Resp prov = owner.post("/orgs/1/sec_policy", Map.of("update_description", "with old data"));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
        Resp check = owner.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=192.0.2.7&dst_workload=good1&port=22&protocol=6");
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(owner.get("/orgs/1/sec_policy/draft/policy_check?src_external_ip=192.0.2.7&dst_workload=good1&port=22&protocol=6")
                .status()).isEqualTo(200);
        for (String id : bad.keySet()) {
            Resp w = owner.get("/orgs/1/workloads/" + id);
            assertThat(w.status()).as(w.toString()).isEqualTo(200);
            JsonNode conditions = w.body().get("policy_conditions");
            assertThat(conditions).as(id).hasSize(1);
            assertThat(conditions.get(0).get("token").asText()).isEqualTo("workload_excluded_from_policy");
        }
        assertThat(owner.get("/orgs/1/workloads").status()).isEqualTo(200);
        // the event is recorded off the provisioning thread: wait for it, boundedly
        JsonNode events = null;
        for (int i = 0; i < 100; i++) {
            events = owner.get("/orgs/1/events?event_type=workload.policy_excluded&max_results=100").body();
            if (events.size() >= bad.size()) break;
            Thread.sleep(100);
        }
        assertThat(events).hasSize(bad.size());
        assertThat(events.get(0).get("info").get("errors").size()).isGreaterThan(0);

        // fixing one brings it back (and the condition goes)
        Resp fix = owner.put("/orgs/1/workloads/w-prefix", Map.of("interfaces", List.of(Map.of("name", "eth0",
                "address", "10.0.0.5", "cidr_block", 24))));
        assertThat(fix.status()).as(fix.toString()).isEqualTo(204);
        assertThat(owner.get("/orgs/1/workloads/w-prefix").body().get("policy_conditions")).isEmpty();
        assertThat(owner.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=192.0.2.7&dst_workload=w-prefix&port=22&protocol=6")
                .status()).isEqualTo(200);

        // rules naming a set-aside workload by href: the actor selects nothing, the org still provisions
        String good = owner.get("/orgs/1/workloads?name=good1").body().get(0).get("href").asText();
        Resp rs = owner.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "names a set-aside workload",
                "scopes", List.of(List.of()),
                "rules", List.of(
                        Map.of("providers", List.of(Map.of("workload", Map.of("href", good))),
                                "consumers", List.of(Map.of("workload", Map.of("href", "/orgs/1/workloads/w-number")),
                                        Map.of("ip_list", Map.of("href", ipl.body().get("href").asText()))),
                                "ingress_services", List.of(Map.of("proto", 6, "port", 22))),
                        Map.of("providers", List.of(Map.of("workload", Map.of("href", "/orgs/1/workloads/w-cidr"))),
                                "consumers", List.of(Map.of("actors", "ams")),
                                "ingress_services", List.of(Map.of("proto", 6, "port", 80))))));
        assertThat(rs.status()).as(rs.toString()).isEqualTo(201);
        Resp draftCheck = owner.get("/orgs/1/sec_policy/draft/policy_check?src_external_ip=192.0.2.7&dst_workload=good1&port=22&protocol=6");
        assertThat(draftCheck.status()).as(draftCheck.toString()).isEqualTo(200);
        Resp again = owner.post("/orgs/1/sec_policy", Map.of("update_description", "rules naming set-aside workloads"));
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        Resp allowed = owner.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=192.0.2.7&dst_workload=good1&port=22&protocol=6");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.body().get("sec_rules").toString()).as("the rule's other consumer still matches")
                .contains("\"rule_set_name\":\"names a set-aside workload\"").contains("/sec_rules/1\"");
    }
}
