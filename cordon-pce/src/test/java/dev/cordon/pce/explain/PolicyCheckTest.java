package dev.cordon.pce.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.harness.Api;
import dev.cordon.pce.harness.Api.Resp;
import dev.cordon.pce.harness.PceHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Explaining policy over the API: policy_check names the deciding rule, rule_conflicts, export/import, validation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyCheckTest {
    static final String RS = "/orgs/1/sec_policy/draft/rule_sets/500";
    static final String DOC = """
            {"labels": [
               {"href": "/orgs/1/labels/1001", "key": "role", "value": "web"},
               {"href": "/orgs/1/labels/1002", "key": "role", "value": "db"},
               {"href": "/orgs/1/labels/1003", "key": "app", "value": "shop"}],
             "workloads": [
               {"href": "/orgs/1/workloads/web1", "name": "web1", "hostname": "web1", "managed": true,
                "enforcement_mode": "full", "ven": {"ven_type": "server"},
                "labels": [{"href": "/orgs/1/labels/1001"}, {"href": "/orgs/1/labels/1003"}],
                "interfaces": [{"name": "eth0", "address": "10.0.0.1"}]},
               {"href": "/orgs/1/workloads/db1", "name": "db1", "hostname": "db1", "managed": true,
                "enforcement_mode": "full", "ven": {"ven_type": "server"},
                "labels": [{"href": "/orgs/1/labels/1002"}, {"href": "/orgs/1/labels/1003"}],
                "interfaces": [{"name": "eth0", "address": "10.0.0.2"}]}],
             "ip_lists": [{"href": "/orgs/1/sec_policy/draft/ip_lists/900", "name": "Any (0.0.0.0/0 and ::/0)",
                "ip_ranges": [{"from_ip": "0.0.0.0/0"}, {"from_ip": "::/0"}]}],
             "rule_sets": [{"href": "/orgs/1/sec_policy/draft/rule_sets/500", "name": "shop", "enabled": true,
                "scopes": [[{"label": {"href": "/orgs/1/labels/1003"}}]],
                "rules": [{"href": "/orgs/1/sec_policy/draft/rule_sets/500/sec_rules/1", "enabled": true,
                   "providers": [{"label": {"href": "/orgs/1/labels/1002"}}],
                   "consumers": [{"label": {"href": "/orgs/1/labels/1001"}}],
                   "ingress_services": [{"proto": 6, "port": 5432}, {"proto": 6, "port": 22}]}],
                "deny_rules": [{"href": "/orgs/1/sec_policy/draft/rule_sets/500/deny_rules/2", "enabled": true,
                   "providers": [{"label": {"href": "/orgs/1/labels/1002"}}],
                   "consumers": [{"ip_list": {"href": "/orgs/1/sec_policy/draft/ip_lists/900"}}],
                   "ingress_services": [{"proto": 6, "port": 22}], "unscoped_consumers": true, "override": true}]}]}
            """;

    PceHarness pce;
    Api api;

    @BeforeAll
    void start() {
        pce = PceHarness.h2();
        api = pce.owner;
        Resp imported = api.post("/orgs/1/sec_policy/draft/import", DOC);
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
        Resp prov = api.post("/orgs/1/sec_policy", Map.of("update_description", "shop"));
        assertThat(prov.status()).as(prov.toString()).isEqualTo(201);
        assertThat(prov.body().get("workloads_affected").asInt()).isEqualTo(2);
    }

    @AfterAll
    void stop() {
        pce.close();
    }

    @Test
    void allowedFlowNamesTheAllowRuleAtTheDestination() {
        Resp r = api.get("/orgs/1/sec_policy/active/policy_check?src_workload=web1&dst_workload=/orgs/1/workloads/db1&port=5432&protocol=6");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode d = r.body().get("decision");
        assertThat(d.get("allowed").asBoolean()).isTrue();
        assertThat(d.get("destination").get("verdict").asText()).isEqualTo("allowed");
        assertThat(d.get("destination").get("rule").get("href").asText())
                .isEqualTo("/orgs/1/sec_policy/active/rule_sets/500/sec_rules/1");
        assertThat(r.body().get("sec_rules")).hasSize(1);
    }

    @Test
    void overrideDenyBlocksWhateverElseMatches() {
        Resp r = api.get("/orgs/1/sec_policy/active/policy_check?src_workload=web1&dst_workload=db1&port=22&protocol=tcp");
        JsonNode d = r.body().get("decision");
        assertThat(d.get("allowed").asBoolean()).isFalse();
        assertThat(d.get("destination").get("verdict").asText()).isEqualTo("blocked");
        assertThat(d.get("destination").get("rule").get("href").asText()).endsWith("/deny_rules/2");
        assertThat(r.body().get("override_deny_rules")).hasSize(1);
        assertThat(r.body().get("sec_rules")).hasSize(1);
    }

    @Test
    void externalAddressesAndDraftWork() {
        Resp r = api.get("/orgs/1/sec_policy/draft/policy_check?src_external_ip=192.0.2.7&dst_workload=db1&port=5432&protocol=6");
        assertThat(r.body().get("decision").get("allowed").asBoolean()).isFalse();
        assertThat(r.body().get("decision").get("source").get("verdict").asText()).isEqualTo("not_enforced");
    }

    @Test
    void badPolicyCheckInputIs406() {
        assertThat(api.get("/orgs/1/sec_policy/active/policy_check?dst_workload=db1&protocol=6").token()).isEqualTo("invalid_src");
        assertThat(api.get("/orgs/1/sec_policy/active/policy_check?src_workload=nobody&dst_workload=db1&protocol=6").token())
                .isEqualTo("unknown_workload");
        assertThat(api.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=1.2.3.4&dst_workload=db1&protocol=6&port=99999").token())
                .isEqualTo("invalid_port");
        assertThat(api.get("/orgs/1/sec_policy/active/policy_check?src_external_ip=1.2.3.4&dst_workload=db1").token())
                .isEqualTo("protocol_required");
        assertThat(api.get("/orgs/1/sec_policy/99/policy_check?src_external_ip=1.2.3.4&dst_workload=db1&protocol=6").status())
                .isEqualTo(404);
    }

    @Test
    void ruleConflictsNameBothRulesAndAnExampleFlow() {
        Resp r = api.get("/orgs/1/sec_policy/active/rule_conflicts");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body().toString()).contains("allow_overridden_by_override_deny");
        JsonNode c = r.body().get(0);
        assertThat(c.get("rule").get("href").asText()).endsWith("/sec_rules/1");
        assertThat(c.get("conflicting_rule").get("href").asText()).endsWith("/deny_rules/2");
        assertThat(c.get("example_flow").get("port").asInt()).isEqualTo(22);
    }

    @Test
    void exportIsThePolicyDocumentOfTheVersion() {
        Resp r = api.get("/orgs/1/sec_policy/active/export");
        assertThat(r.body().get("rule_sets").get(0).get("href").asText()).isEqualTo("/orgs/1/sec_policy/active/rule_sets/500");
        assertThat(r.body().get("workloads")).hasSize(2);
        Resp again = api.post("/orgs/1/sec_policy/draft/import", r.raw().body());
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.body().get("pending").get("rule_sets")).isEmpty();
    }

    @Test
    void invalidCustomIptablesRuleIsRefusedNamingTheStatement() {
        Resp r = api.post(RS + "/ip_tables_rules", Map.of("actors", List.of(Map.of("actors", "ams")), "ip_version", "4",
                "statements", List.of(Map.of("table_name", "nat", "chain_name", "PREROUTING", "parameters", "-p tcp -j DROP"))));
        assertThat(r.status()).as(r.toString()).isEqualTo(406);
        assertThat(r.body().toString()).contains("DROP").contains("nat").contains("-t nat -A PREROUTING -p tcp -j DROP");
        com.fasterxml.jackson.databind.JsonNode custom = api.get(RS).body().get("ip_tables_rules");
        assertThat(custom == null || custom.isEmpty()).as("no custom rule was added: %s", custom).isTrue();
    }

    @Test
    void invalidRuleIsRefusedOnSaveAndNothingChanges() {
        Resp r = api.post(RS + "/sec_rules", Map.of("providers", List.of(Map.of("label", Map.of("href", "/orgs/1/labels/4242"))),
                "consumers", List.of(Map.of("actors", "ams")), "ingress_services", List.of(Map.of("proto", 6, "port", 1))));
        assertThat(r.status()).isEqualTo(406);
        assertThat(r.token()).isEqualTo("unknown_reference");
        assertThat(api.get(RS + "/sec_rules").body()).hasSize(1);
    }
}
