package dev.cordon.pce.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The draft's and the active engine are kept between policy checks (see policy/DraftEngines, policy/ActiveEngine):
 * every kind of write that changes what a check answers must be seen by the very next check — a rule set, a rule, a
 * label, a workload, an IP list, an import, a revert on draft; a label, a workload and a provision on active — and a
 * write that is refused must change nothing.
 */
class PolicyCheckAfterWritesTest {
    static final String RS = "/orgs/1/sec_policy/draft/rule_sets/500";
    static final String WEB_TO_DB = "/orgs/1/sec_policy/draft/policy_check?src_workload=web1&dst_workload=db1&protocol=tcp&port=";

    PceHarness pce;
    Api api;

    @BeforeEach
    void start() {
        pce = PceHarness.h2();
        api = pce.owner;
        Resp imported = api.post("/orgs/1/sec_policy/draft/import", PolicyCheckTest.DOC);
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        Resp prov = api.post("/orgs/1/sec_policy", Map.of("update_description", "shop"));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        pce.close();
    }

    boolean allowed(String path) {
        Resp r = api.get(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body().get("decision").get("allowed").asBoolean();
    }

    static Resp ok(Resp r) {
        assertThat(r.status()).as(r.toString()).isBetween(200, 204);
        return r;
    }

    @Test
    void aRuleChangeIsSeenByTheNextDraftCheckAndNotByActive() {
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();
        ok(api.put(RS + "/sec_rules/1", Map.of("ingress_services", List.of(Map.of("proto", 6, "port", 5433)))));
        assertThat(allowed(WEB_TO_DB + 5432)).isFalse();
        assertThat(allowed(WEB_TO_DB + 5433)).isTrue();
        assertThat(allowed(WEB_TO_DB.replace("/draft/", "/active/") + 5432)).as("active is unchanged").isTrue();

        ok(api.put(RS, Map.of("enabled", false)));
        assertThat(allowed(WEB_TO_DB + 5433)).isFalse();
        ok(api.put(RS, Map.of("enabled", true)));
        assertThat(allowed(WEB_TO_DB + 5433)).isTrue();

        ok(api.delete(RS));
        assertThat(allowed(WEB_TO_DB + 5433)).isFalse();

        ok(api.delete("/orgs/1/sec_policy/pending")); // revert: the draft is the active version again
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();
        assertThat(allowed(WEB_TO_DB + 5433)).isFalse();
    }

    @Test
    void labelAndWorkloadWritesAreSeenByTheNextDraftCheck() {
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();
        // db1 loses its role: the rule's provider no longer matches it
        ok(api.put("/orgs/1/workloads/db1", Map.of("labels", List.of(Map.of("href", "/orgs/1/labels/1003")))));
        assertThat(allowed(WEB_TO_DB + 5432)).isFalse();
        ok(api.put("/orgs/1/workloads/db1", Map.of("labels",
                List.of(Map.of("href", "/orgs/1/labels/1002"), Map.of("href", "/orgs/1/labels/1003")))));
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();

        // a new workload is found by the next check, and its new label by the rule that names it
        String label = ok(api.post("/orgs/1/labels", Map.of("key", "role", "value", "cache"))).body().get("href").asText();
        ok(api.post("/orgs/1/workloads", Map.of("name", "cache1", "hostname", "cache1",
                "labels", List.of(Map.of("href", label), Map.of("href", "/orgs/1/labels/1003")),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.0.0.3")))));
        String toCache = "/orgs/1/sec_policy/draft/policy_check?src_workload=web1&dst_workload=cache1&protocol=tcp&port=6379";
        assertThat(allowed(toCache)).isFalse();
        ok(api.post(RS + "/sec_rules", Map.of("providers", List.of(Map.of("label", Map.of("href", label))),
                "consumers", List.of(Map.of("label", Map.of("href", "/orgs/1/labels/1001"))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 6379)))));
        assertThat(allowed(toCache)).isTrue();
        ok(api.delete("/orgs/1/workloads/" + workloadId(api, "cache1")));
        assertThat(api.get(toCache).token()).isEqualTo("unknown_workload");
    }

    @Test
    void labelWorkloadAndProvisionWritesAreSeenByTheNextActiveCheck() {
        String active = WEB_TO_DB.replace("/draft/", "/active/");
        assertThat(allowed(active + 5432)).isTrue();
        // a label nothing refers to changes no answer; one the rules use does, without a provision
        String spare = ok(api.post("/orgs/1/labels", Map.of("key", "role", "value", "spare"))).body().get("href").asText();
        assertThat(allowed(active + 5432)).isTrue();
        ok(api.put("/orgs/1/workloads/db1", Map.of("labels", List.of(Map.of("href", spare), Map.of("href", "/orgs/1/labels/1003")))));
        assertThat(allowed(active + 5432)).as("db1 lost its role in the live store").isFalse();
        ok(api.put(spare, Map.of("value", "spare2")));
        assertThat(allowed(active + 5432)).isFalse();
        ok(api.put("/orgs/1/workloads/db1", Map.of("labels",
                List.of(Map.of("href", "/orgs/1/labels/1002"), Map.of("href", "/orgs/1/labels/1003")))));
        assertThat(allowed(active + 5432)).isTrue();

        // an IP list nothing refers to: provisioned, it changes no workload's policy
        ok(api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "unused",
                "ip_ranges", List.of(Map.of("from_ip", "198.51.100.0/24")))));
        Resp same = api.post("/orgs/1/sec_policy", Map.of("update_description", "unused list"));
        assertThat(same.status()).as(same.toString()).isEqualTo(201);
        assertThat(same.body().get("workloads_affected").asInt()).isZero();
        assertThat(allowed(active + 5432)).isTrue();

        // a rule change: seen on active by the first check after the provision, and both ends' policies change
        ok(api.put(RS + "/sec_rules/1", Map.of("ingress_services", List.of(Map.of("proto", 6, "port", 5433)))));
        assertThat(allowed(active + 5432)).as("not provisioned yet").isTrue();
        Resp moved = api.post("/orgs/1/sec_policy", Map.of("update_description", "port"));
        assertThat(moved.status()).as(moved.toString()).isEqualTo(201);
        assertThat(moved.body().get("workloads_affected").asInt()).isEqualTo(2);
        assertThat(allowed(active + 5432)).isFalse();
        assertThat(allowed(active + 5433)).isTrue();
        assertThat(api.get("/orgs/1/sec_policy/" + moved.body().get("version").asLong()).body()
                .get("workloads_affected").asInt()).as("as stored").isEqualTo(2);

        // a workload created and deleted in the live store is found, then not found, by the next active check
        ok(api.post("/orgs/1/workloads", Map.of("name", "cache1", "hostname", "cache1",
                "labels", List.of(Map.of("href", "/orgs/1/labels/1002"), Map.of("href", "/orgs/1/labels/1003")),
                "interfaces", List.of(Map.of("name", "eth0", "address", "10.0.0.3")))));
        String toCache = "/orgs/1/sec_policy/active/policy_check?src_workload=web1&dst_workload=cache1&protocol=tcp&port=5433";
        assertThat(allowed(toCache)).isTrue();
        ok(api.delete("/orgs/1/workloads/" + workloadId(api, "cache1")));
        assertThat(api.get(toCache).token()).isEqualTo("unknown_workload");
    }

    @Test
    void anIpListChangeAndAnImportAreSeenByTheNextDraftCheck() {
        String fromOutside = "/orgs/1/sec_policy/draft/policy_check?src_external_ip=192.0.2.9&dst_workload=db1&protocol=tcp&port=5432";
        String ipList = ok(api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "partners",
                "ip_ranges", List.of(Map.of("from_ip", "198.51.100.0/24"))))).body().get("href").asText();
        ok(api.post(RS + "/sec_rules", Map.of("providers", List.of(Map.of("label", Map.of("href", "/orgs/1/labels/1002"))),
                "consumers", List.of(Map.of("ip_list", Map.of("href", ipList))),
                "ingress_services", List.of(Map.of("proto", 6, "port", 5432)), "unscoped_consumers", true)));
        assertThat(api.get(fromOutside).body().get("sec_rules")).isEmpty();
        ok(api.put(ipList, Map.of("ip_ranges", List.of(Map.of("from_ip", "192.0.2.0/24")))));
        assertThat(api.get(fromOutside).body().get("sec_rules")).hasSize(1);

        ok(api.post("/orgs/1/sec_policy/draft/import", PolicyCheckTest.DOC)); // replaces the draft: rule and list gone
        assertThat(api.get(fromOutside).body().get("sec_rules")).isEmpty();
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();
    }

    @Test
    void aRefusedWriteChangesNothingAndConcurrentChecksAgree() throws Exception {
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();
        Resp refused = api.put(RS + "/sec_rules/1", Map.of("providers", List.of(Map.of("label",
                Map.of("href", "/orgs/1/labels/999999")))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(406);
        assertThat(allowed(WEB_TO_DB + 5432)).isTrue();

        ok(api.put(RS + "/sec_rules/1", Map.of("ingress_services", List.of(Map.of("proto", 6, "port", 5433)))));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> checks = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) checks.add(pool.submit(() -> allowed(WEB_TO_DB + 5433)));
            for (Future<Boolean> f : checks) assertThat(f.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    static String workloadId(Api api, String name) {
        Resp r = api.get("/orgs/1/workloads?name=" + name);
        String href = r.body().get(0).get("href").asText();
        return href.substring(href.lastIndexOf('/') + 1);
    }
}
