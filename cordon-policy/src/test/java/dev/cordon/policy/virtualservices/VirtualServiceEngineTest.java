package dev.cordon.policy.virtualservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A virtual service as a rule's provider (issue 14): the rule allows its consumers to the workloads service bindings
 * put the virtual service on, on its ports as each binding serves them, and to nothing else; the decision names the
 * rule; compiled policy and decisions agree; scoped rule sets apply to a virtual service whose labels match.
 */
class VirtualServiceEngineTest {
    static final String RULE = "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/1";

    static String doc(String providers, String scopes, String bindings, String vsLabels) {
        return """
            {"labels":[{"href":"/orgs/1/labels/1","key":"role","value":"client"},
                       {"href":"/orgs/1/labels/2","key":"role","value":"server"},
                       {"href":"/orgs/1/labels/3","key":"app","value":"shop"},
                       {"href":"/orgs/1/labels/4","key":"app","value":"other"}],
             "workloads":[
               {"href":"/orgs/1/workloads/c","name":"client","labels":[{"href":"/orgs/1/labels/1"},{"href":"/orgs/1/labels/3"}],
                "interfaces":[{"name":"eth0","address":"10.0.0.1"}],"managed":true,"enforcement_mode":"full","ven":{"ven_type":"server"}},
               {"href":"/orgs/1/workloads/a","name":"a","labels":[{"href":"/orgs/1/labels/2"},{"href":"/orgs/1/labels/4"}],
                "interfaces":[{"name":"eth0","address":"10.0.0.2"}],"managed":true,"enforcement_mode":"full","ven":{"ven_type":"server"}},
               {"href":"/orgs/1/workloads/b","name":"b","labels":[{"href":"/orgs/1/labels/2"}],
                "interfaces":[{"name":"eth0","address":"10.0.0.3"}],"managed":true,"enforcement_mode":"full","ven":{"ven_type":"server"}},
               {"href":"/orgs/1/workloads/u","name":"unbound","labels":[{"href":"/orgs/1/labels/2"},{"href":"/orgs/1/labels/3"}],
                "interfaces":[{"name":"eth0","address":"10.0.0.4"}],"managed":true,"enforcement_mode":"full","ven":{"ven_type":"server"}}],
             "virtual_services":[{"href":"/orgs/1/sec_policy/draft/virtual_services/v1","name":"shop-api",
                "service_ports":[{"proto":6,"port":8080},{"proto":17,"port":53}],"labels":%s}],
             "service_bindings":%s,
             "rule_sets":[{"href":"/orgs/1/sec_policy/draft/rule_sets/1","name":"rs","scopes":%s,
               "rules":[{"href":"%s","providers":%s,
                 "consumers":[{"label":{"href":"/orgs/1/labels/1"}}],"ingress_services":[{"proto":6,"port":22}]}]}]}
            """.formatted(vsLabels, bindings, scopes, RULE, providers);
    }

    static final String VS = "[{\"virtual_service\":{\"href\":\"/orgs/1/sec_policy/draft/virtual_services/v1\"}}]";
    static final String BINDINGS = """
            [{"href":"/orgs/1/service_bindings/1","virtual_service":{"href":"/orgs/1/sec_policy/draft/virtual_services/v1"},
              "workload":{"href":"/orgs/1/workloads/a"}},
             {"href":"/orgs/1/service_bindings/2","virtual_service":{"href":"/orgs/1/sec_policy/draft/virtual_services/v1"},
              "workload":{"href":"/orgs/1/workloads/b"},"port_overrides":[{"port":8080,"proto":6,"new_port":9090}]}]""";

    static Engine engine(String text) {
        return Engine.of(PolicyJson.readDocument(text));
    }

    @Test
    void theBoundWorkloadsServeTheVirtualServiceOnItsPortsAsEachBindingServesThem() {
        Engine e = engine(doc(VS, "[[]]", BINDINGS, "[]"));
        Decision toA = e.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 8080));
        assertThat(toA.allowed()).as(toA.toString()).isTrue();
        assertThat(toA.decidingRule().href()).isEqualTo(RULE);
        assertThat(e.explain(Flow.udp("10.0.0.1", "10.0.0.2", 53)).allowed()).isTrue();
        // b serves 8080 on 9090
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.3", 9090)).allowed()).isTrue();
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.3", 8080)).allowed()).isFalse();
        assertThat(e.explain(Flow.udp("10.0.0.1", "10.0.0.3", 53)).allowed()).as("not overridden").isTrue();
        // not bound: nothing
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.4", 8080)).allowed()).isFalse();
        // the rule's ingress_services are for its other providers; it has none
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 22)).allowed()).isFalse();
        // only the rule's consumers
        assertThat(e.explain(Flow.tcp("10.0.0.4", "10.0.0.2", 8080)).allowed()).isFalse();
    }

    @Test
    void theCompiledPolicyOfEachBoundWorkloadOpensItsOwnPorts() {
        Engine e = engine(doc(VS, "[[]]", BINDINGS, "[]"));
        String a = PolicyJson.write(e.compile("a", 1));
        String b = PolicyJson.write(e.compile("b", 1));
        String u = PolicyJson.write(e.compile("unbound", 1));
        assertThat(a).contains("8080").doesNotContain("9090");
        assertThat(b).contains("9090").doesNotContain("8080");
        assertThat(u).doesNotContain("8080").doesNotContain("9090");
        assertThat(PolicyJson.write(e.compile("client", 1))).as("the consumer's outbound").contains("8080").contains("9090");
    }

    @Test
    void aScopedRuleAppliesToAVirtualServiceWhoseLabelsMatchItsScopeWhereverItsWorkloadsAre() {
        String scope = "[[{\"label\":{\"href\":\"/orgs/1/labels/3\"}}]]";
        Engine in = engine(doc(VS, scope, BINDINGS, "[{\"href\":\"/orgs/1/labels/3\"}]"));
        // a is app=other, b has no app: they serve the shop's virtual service all the same
        assertThat(in.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 8080)).allowed()).isTrue();
        assertThat(in.explain(Flow.tcp("10.0.0.1", "10.0.0.3", 9090)).allowed()).isTrue();
        Engine out = engine(doc(VS, scope, BINDINGS, "[{\"href\":\"/orgs/1/labels/4\"}]"));
        assertThat(out.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 8080)).allowed()).as("its labels are outside the scope").isFalse();
    }

    @Test
    void aVirtualServiceBesideOtherProvidersKeepsBothMeanings() {
        String providers = "[{\"virtual_service\":{\"href\":\"/orgs/1/sec_policy/draft/virtual_services/v1\"}},"
                + "{\"label\":{\"href\":\"/orgs/1/labels/3\"}}]";
        Engine e = engine(doc(providers, "[[]]", BINDINGS, "[]"));
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.4", 22)).allowed()).as("app=shop on the rule's port").isTrue();
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.4", 8080)).allowed()).isFalse();
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 8080)).allowed()).isTrue();
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 22)).allowed()).isFalse();
    }

    @Test
    void withoutBindingsTheRuleAllowsNothingAndConflictsStillWork() {
        Engine e = engine(doc(VS, "[[]]", "[]", "[]"));
        assertThat(e.explain(Flow.tcp("10.0.0.1", "10.0.0.2", 8080)).allowed()).isFalse();
        assertThat(engine(doc(VS, "[[]]", BINDINGS, "[]")).conflicts()).isEmpty();
    }

    static List<String> tokens(String text) {
        PolicyDocument d = PolicyJson.readDocument(text);
        return Engine.validate(d).stream().map(ValidationError::token).toList();
    }

    @Test
    void referencesAndOverridesAreValidated() {
        assertThat(tokens(doc("[{\"virtual_service\":{\"href\":\"/orgs/1/sec_policy/draft/virtual_services/nope\"}}]",
                "[[]]", "[]", "[]"))).contains("unknown_virtual_service");
        String asConsumer = doc(VS, "[[]]", "[]", "[]").replace("\"consumers\":[{\"label\":{\"href\":\"/orgs/1/labels/1\"}}]",
                "\"consumers\":" + VS);
        assertThat(tokens(asConsumer)).contains("invalid_actor");
        assertThat(tokens(doc(VS, "[[]]", BINDINGS.replace("\"port\":8080,\"proto\":6", "\"port\":8081,\"proto\":6"), "[]")))
                .contains("invalid_port_override");
        assertThat(tokens(doc(VS, "[[]]", BINDINGS.replace("/orgs/1/workloads/b", "/orgs/1/workloads/zz"), "[]")))
                .contains("unknown_workload");
        assertThat(tokens(doc(VS, "[[]]", "[]", "[{\"href\":\"/orgs/1/labels/99\"}]"))).contains("unknown_label");
        assertThatThrownBy(() -> engine(doc(VS, "[[]]", BINDINGS.replace("\"new_port\":9090", "\"new_port\":70000"), "[]")))
                .isInstanceOf(PolicyException.class);
    }
}
