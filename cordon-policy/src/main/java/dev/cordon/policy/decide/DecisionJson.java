package dev.cordon.policy.decide;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The API shapes of a decision (API.md "Explaining and checking policy"): the {@code decision} object printed by
 * {@code cordon policy check --json}, and the full {@code policy_check} answer served by the PCE.
 */
public final class DecisionJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private DecisionJson() {}

    /** {@code {"allowed", "source": {"verdict","rule"}, "destination": {"verdict","rule"}}}. */
    public static ObjectNode decision(Decision d) {
        ObjectNode n = F.objectNode();
        n.put("allowed", d.allowed());
        n.set("source", end(d.source()));
        n.set("destination", end(d.destination()));
        return n;
    }

    /** {@code {"sec_rules", "deny_rules", "override_deny_rules", "decision"}}. */
    public static ObjectNode policyCheck(Decision d) {
        ObjectNode n = F.objectNode();
        n.set("sec_rules", rules(d.secRules()));
        n.set("deny_rules", rules(d.denyRules()));
        n.set("override_deny_rules", rules(d.overrideDenyRules()));
        n.set("decision", decision(d));
        return n;
    }

    private static ObjectNode end(EndDecision e) {
        ObjectNode n = F.objectNode();
        n.put("verdict", e.verdict().wire());
        if (e.rule() == null) n.putNull("rule");
        else n.set("rule", rule(e.rule()));
        if (e.workload() != null) n.put("workload", e.workload());
        n.put("reason", e.reason());
        return n;
    }

    private static ObjectNode rule(RuleRef r) {
        ObjectNode n = F.objectNode();
        n.put("href", r.href());
        n.put("kind", r.kind());
        ObjectNode rs = n.putObject("rule_set");
        rs.put("href", r.ruleSet());
        rs.put("name", r.ruleSetName());
        return n;
    }

    private static ArrayNode rules(List<RuleRef> refs) {
        ArrayNode a = F.arrayNode();
        refs.forEach(r -> a.add(rule(r)));
        return a;
    }
}
