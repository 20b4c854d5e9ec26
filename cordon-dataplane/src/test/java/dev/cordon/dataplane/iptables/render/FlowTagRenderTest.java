package dev.cordon.dataplane.iptables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow tags the iptables render adds (docs/design/traffic-capture.md) name what the engine's mode table names. */
class FlowTagRenderTest {
    static List<String> input(EnforcementMode mode) {
        FirewallPolicy p = Policies.rich(mode, Coexistence.EXCLUSIVE);
        return IptablesRenderer.render(p).text().lines().filter(l -> l.startsWith("-A CORDON-INPUT ")).toList();
    }

    static int index(EnforcementMode mode, String rule) {
        return RuleIndex.of(Policies.rich(mode, Coexistence.EXCLUSIVE)).index(rule);
    }

    @Test
    void fullModeMarksAllowsWithTheirRuleAndLogsDropsNamingTheOverrideDenyButNotAPlainDeny() {
        List<String> in = input(EnforcementMode.FULL);
        String allow = "-j CONNMARK --set-xmark " + FlowMark.xmark(FlowMark.allowed(index(EnforcementMode.FULL, "/orgs/1/sec_rules/3")));
        int mark = indexOf(in, allow);
        assertThat(mark).as("the allow of rule 3 is tagged").isPositive();
        assertThat(in.get(mark + 1)).endsWith("-j ACCEPT").contains("rule /orgs/1/sec_rules/3");
        assertThat(in.get(mark)).contains("-m connmark --mark 0x0/0x30000000");
        assertThat(in).as("the override denies share a class set: decided, no single rule named")
                .anyMatch(l -> l.contains("cordon-in-od-4") && l.contains("--nflog-prefix \"cordon D 4095\""));
        int deny = indexOf(in, "rule /orgs/1/deny_rules/1\" -m limit");
        assertThat(in.get(deny)).as("full: the engine names no rule for a deny rule's block").contains("\"cordon D 0\"");
        assertThat(in.get(in.size() - 2)).contains("-j NFLOG --nflog-prefix \"cordon D 0\" --nflog-group 1703");
        assertThat(in.get(in.size() - 1)).isEqualTo("-A CORDON-INPUT -j DROP");
        int established = indexOf(in, "RELATED,ESTABLISHED");
        // before ESTABLISHED only the clearing of a NEW connection's tag (one a published-port rule set in mangle
        // before the DNAT: the host's own connection is tagged by the rules below); an established one keeps its tag
        assertThat(in.subList(0, established)).as("nothing tagged before ESTABLISHED")
                .allMatch(l -> !l.contains("CONNMARK") || (l.contains("--ctstate NEW") && l.endsWith("--set-xmark 0x0/0x3fff0000")));
    }

    @Test
    void visibilityOnlyMarksTheOverrideDenyAndTheDefaultPotentiallyBlockedAndDropsNothing() {
        List<String> in = input(EnforcementMode.VISIBILITY_ONLY);
        String od = FlowMark.xmark(FlowMark.potentiallyBlocked(FlowMark.OVERFLOW));
        assertThat(in).anyMatch(l -> l.contains("cordon-in-od-4") && l.endsWith("--set-xmark " + od));
        String allow = FlowMark.xmark(FlowMark.allowed(index(EnforcementMode.VISIBILITY_ONLY, "/orgs/1/sec_rules/3")));
        assertThat(in).anyMatch(l -> l.contains("rule /orgs/1/sec_rules/3") && l.endsWith("--set-xmark " + allow));
        assertThat(in.get(in.size() - 2)).endsWith("--set-xmark " + FlowMark.xmark(FlowMark.potentiallyBlocked(0)));
        assertThat(in).noneMatch(l -> l.contains("NFLOG"));
    }

    @Test
    void selectiveNamesTheDenyRuleThatBlocksAndTheDefaultAllows() {
        List<String> in = input(EnforcementMode.SELECTIVE);
        int deny = indexOf(in, "rule /orgs/1/deny_rules/1\" -m limit");
        assertThat(in.get(deny)).contains("\"cordon D " + index(EnforcementMode.SELECTIVE, "/orgs/1/deny_rules/1") + "\"");
        assertThat(in.get(in.size() - 2)).endsWith("--set-xmark " + FlowMark.xmark(FlowMark.allowed(0)));
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(part)) return i;
        throw new AssertionError("no line with " + part + " in\n" + String.join("\n", lines));
    }
}
