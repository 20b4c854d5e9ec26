package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.flows.BlockedPacket;
import dev.cordon.dataplane.flows.ConnEvent;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A class-set tag (index 4095) is named from the policy's entries, first matching rule by natural href order. */
class ClassSetRulesTest {
    static final String RS = "/orgs/1/sec_policy/active/rule_sets/1";

    static PolicyEntry e(Action a, String peer, int proto, Integer port, Integer to, String rule) {
        return new PolicyEntry(a, peer, null, proto, port, to, null, null, false, RS + rule, RS);
    }

    final FirewallPolicy policy = FirewallPolicy.of(new WorkloadRef("/orgs/1/workloads/w", "w"), 9,
            EnforcementMode.SELECTIVE, Coexistence.EXCLUSIVE,
            List.of(new AddressSet("clients", "c", List.of("10.1.0.0/24"), List.of("fd00:1::/64")),
                    new AddressSet("any", "a", List.of("0.0.0.0/0"), List.of("::/0"))),
            List.of(e(Action.ALLOW, "any", 6, 80, null, "/sec_rules/10"),
                    e(Action.ALLOW, "clients", 6, 80, 90, "/sec_rules/9"),
                    e(Action.DENY, "any", 6, 1, 1024, "/deny_rules/3")),
            List.of(), List.of(), List.of());
    final Classifier c = Classifier.of(Set.of("10.0.0.2", "fd00::2"), policy);

    static ConnEvent inbound(String src, int port) {
        return new ConnEvent(ConnEvent.Kind.NEW, 1, src.contains(":") ? 6 : 4, 6, src, src.contains(":") ? "fd00::2"
                : "10.0.0.2", 5555, port, -1, -1, null, FlowMark.allowed(FlowMark.OVERFLOW), 0, 0, 0, 0, null);
    }

    @Test
    void theFirstMatchingRuleByNaturalHrefOrderIsNamed() {
        assertThat(c.key(inbound("10.1.0.5", 80)).orElseThrow().ruleHref()).as("9 before 10").isEqualTo(RS + "/sec_rules/9");
        assertThat(c.key(inbound("fd00:1::7", 85)).orElseThrow().ruleHref()).isEqualTo(RS + "/sec_rules/9");
        FlowKey outside = c.key(inbound("192.0.2.1", 80)).orElseThrow();
        assertThat(outside.ruleHref()).isEqualTo(RS + "/sec_rules/10");
        assertThat(outside.reason()).isNull();
    }

    @Test
    void aBlockIsNamedByItsDenyAndAnUnmatchedTagStaysNotNamed() {
        BlockedPacket p = new BlockedPacket(4, 6, "192.0.2.1", "10.0.0.2", 4444, 22, -1, -1,
                FlowMark.blockedPrefix(FlowMark.OVERFLOW), 1, 0, 1);
        assertThat(c.key(p).orElseThrow().ruleHref()).isEqualTo(RS + "/deny_rules/3");
        FlowKey none = c.key(inbound("192.0.2.1", 443)).orElseThrow();
        assertThat(none.ruleHref()).isNull();
        assertThat(none.reason()).isEqualTo(Classifier.NOT_NAMED);
    }
}
