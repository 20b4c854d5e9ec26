package dev.cordon.pce.console.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.pce.console.policy.PolicyDiff.Change;
import dev.cordon.pce.console.policy.PolicyDiff.FieldChange;
import dev.cordon.pce.console.policy.PolicyDiff.ObjectChange;
import dev.cordon.pce.console.policy.PolicyDiff.RuleChange;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provision review's diff of an object's active version against its draft, field by field and rule by rule. */
class PolicyDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> NAMES = Map.of(
            "/orgs/1/labels/1", "role=web", "/orgs/1/labels/2", "role=db", "/orgs/1/labels/3", "app=shop",
            "/orgs/1/sec_policy/draft/ip_lists/1", "Any");

    /** Names hrefs as the console does, in the draft's form (the diff normalises the active version's hrefs first). */
    private static final PolicyDiff.Describe TEXT = new PolicyDiff.Describe() {
        @Override
        public String value(String collection, String field, JsonNode v) {
            if (v.isMissingNode() || v.isNull()) return "—";
            if (field.equals("ingress_services")) {
                StringBuilder sb = new StringBuilder();
                for (JsonNode s : v) sb.append(sb.length() == 0 ? "" : ", ").append(s.path("proto").asInt() == 6 ? "tcp " : "udp ")
                        .append(s.path("port").asText());
                return sb.toString();
            }
            String t = v.toString();
            for (var e : NAMES.entrySet()) t = t.replace(e.getKey(), e.getValue());
            return v.isValueNode() ? v.asText() : t;
        }

        @Override
        public String rule(String collection, JsonNode rule) {
            return collection + " " + value(collection, "ingress_services", rule.path("ingress_services"));
        }
    };

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static final String ACTIVE_RS = "{'href':'/orgs/1/sec_policy/active/rule_sets/5','name':'shop','enabled':true,"
            + "'updated_at':'2026-12-01T10:00:00Z','scopes':[[{'label':{'href':'/orgs/1/labels/3'}}]],"
            + "'rules':[{'href':'/orgs/1/sec_policy/active/rule_sets/5/sec_rules/7','enabled':true,"
            + "'consumers':[{'label':{'href':'/orgs/1/labels/1'}}],'providers':[{'label':{'href':'/orgs/1/labels/2'}}],"
            + "'ingress_services':[{'proto':6,'port':5432}]},"
            + "{'href':'/orgs/1/sec_policy/active/rule_sets/5/sec_rules/8','enabled':true,"
            + "'consumers':[{'ip_list':{'href':'/orgs/1/sec_policy/active/ip_lists/1'}}],'providers':[{'label':{'href':'/orgs/1/labels/1'}}],"
            + "'ingress_services':[{'proto':6,'port':443}]}],'deny_rules':[]}";

    @Test
    void aChangedRuleShowsItsOldAndNewPortsAnAddedAndARemovedRuleAreNamed() {
        JsonNode draft = json("{'href':'/orgs/1/sec_policy/draft/rule_sets/5','name':'shop','enabled':true,"
                + "'updated_at':'2026-12-02T11:00:00Z','scopes':[[{'label':{'href':'/orgs/1/labels/3'}}]],"
                + "'rules':[{'href':'/orgs/1/sec_policy/draft/rule_sets/5/sec_rules/7','enabled':true,"
                + "'consumers':[{'label':{'href':'/orgs/1/labels/1'}}],'providers':[{'label':{'href':'/orgs/1/labels/2'}}],"
                + "'ingress_services':[{'proto':6,'port':6432}]}],"
                + "'deny_rules':[{'href':'/orgs/1/sec_policy/draft/rule_sets/5/deny_rules/9','enabled':true,"
                + "'consumers':[{'actors':'ams'}],'providers':[{'label':{'href':'/orgs/1/labels/2'}}],"
                + "'ingress_services':[{'proto':6,'port':22}]}]}");
        ObjectChange c = PolicyDiff.of("rule_sets", "/orgs/1/sec_policy/draft/rule_sets/5", json(ACTIVE_RS), draft, TEXT);

        assertThat(c.change()).isEqualTo(Change.CHANGED);
        assertThat(c.name()).isEqualTo("shop");
        assertThat(c.fields()).as("updated_at is bookkeeping; the scope's href differs only in its version form").isEmpty();
        assertThat(c.rules()).extracting(RuleChange::change, RuleChange::collection, RuleChange::summary).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Change.CHANGED, "rules", "rules tcp 6432"),
                org.assertj.core.groups.Tuple.tuple(Change.REMOVED, "rules", "rules tcp 443"),
                org.assertj.core.groups.Tuple.tuple(Change.ADDED, "deny_rules", "deny_rules tcp 22"));
        assertThat(c.rules().get(0).fields()).containsExactly(new FieldChange("ingress_services", "tcp 5432", "tcp 6432"));
        assertThat(c.rules().get(0).href()).isEqualTo("/orgs/1/sec_policy/draft/rule_sets/5/sec_rules/7");
    }

    @Test
    void changedFieldsOfAnObjectAreNamedWithBothValues() {
        JsonNode active = json("{'href':'/orgs/1/sec_policy/active/label_groups/2','name':'tiers','key':'role',"
                + "'labels':[{'href':'/orgs/1/labels/1'}]}");
        JsonNode draft = json("{'href':'/orgs/1/sec_policy/draft/label_groups/2','name':'front tiers','key':'role',"
                + "'labels':[{'href':'/orgs/1/labels/1'},{'href':'/orgs/1/labels/2'}]}");
        ObjectChange c = PolicyDiff.of("label_groups", "/orgs/1/sec_policy/draft/label_groups/2", active, draft, TEXT);
        assertThat(c.change()).isEqualTo(Change.CHANGED);
        assertThat(c.name()).isEqualTo("front tiers");
        assertThat(c.fields()).extracting(FieldChange::field).containsExactly("name", "labels");
        assertThat(c.fields().get(0)).isEqualTo(new FieldChange("name", "tiers", "front tiers"));
        assertThat(c.fields().get(1).active()).contains("role=web").doesNotContain("role=db").doesNotContain("/orgs/");
        assertThat(c.fields().get(1).draft()).contains("role=web").contains("role=db");
        assertThat(c.rules()).isEmpty();
    }

    @Test
    void addedAndRemovedObjectsListNoFieldsAndARemovedRuleSetRemovesEachRule() {
        JsonNode ipList = json("{'href':'/orgs/1/sec_policy/draft/ip_lists/4','name':'office','ip_ranges':[{'from_ip':'10.8.0.0/16'}]}");
        ObjectChange added = PolicyDiff.of("ip_lists", "/orgs/1/sec_policy/draft/ip_lists/4", null, ipList, TEXT);
        assertThat(added.change()).isEqualTo(Change.ADDED);
        assertThat(added.name()).isEqualTo("office");
        assertThat(added.fields()).isEmpty();

        ObjectChange removed = PolicyDiff.of("rule_sets", "/orgs/1/sec_policy/draft/rule_sets/5", json(ACTIVE_RS),
                com.fasterxml.jackson.databind.node.MissingNode.getInstance(), TEXT);
        assertThat(removed.change()).isEqualTo(Change.REMOVED);
        assertThat(removed.name()).isEqualTo("shop");
        assertThat(removed.rules()).extracting(RuleChange::change).containsExactly(Change.REMOVED, Change.REMOVED);
    }

    @Test
    void absentNullAndEmptyAreTheSameAndOnlyBookkeepingDifferingShowsNothing() {
        JsonNode active = json("{'href':'/orgs/1/sec_policy/active/services/3','name':'web','description':null,"
                + "'service_ports':[{'proto':6,'port':80}],'updated_at':'a','updated_by':{'href':'/users/1'}}");
        JsonNode draft = json("{'href':'/orgs/1/sec_policy/draft/services/3','name':'web','windows_services':[],"
                + "'service_ports':[{'proto':6,'port':80}],'updated_at':'b','updated_by':{'href':'/users/2'}}");
        ObjectChange c = PolicyDiff.of("services", "/orgs/1/sec_policy/draft/services/3", active, draft, TEXT);
        assertThat(c.fields()).isEmpty();
        assertThat(c.nothingShown()).isTrue();
    }

    @Test
    void aFieldOnlyOneSideHasIsAChangeAndNeitherSideIsAMistake() {
        JsonNode active = json("{'href':'/orgs/1/sec_policy/active/services/3','name':'web','service_ports':[{'proto':6,'port':80}]}");
        JsonNode draft = json("{'href':'/orgs/1/sec_policy/draft/services/3','name':'web','description':'front door',"
                + "'service_ports':[{'proto':6,'port':80}]}");
        ObjectChange c = PolicyDiff.of("services", "/orgs/1/sec_policy/draft/services/3", active, draft, TEXT);
        assertThat(c.fields()).containsExactly(new FieldChange("description", "—", "front door"));
        assertThatThrownBy(() -> PolicyDiff.of("services", "/x", null, null, TEXT)).isInstanceOf(IllegalArgumentException.class);
    }
}
