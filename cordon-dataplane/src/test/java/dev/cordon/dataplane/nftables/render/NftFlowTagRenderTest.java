package dev.cordon.dataplane.nftables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.dataplane.iptables.render.ChainSpec;
import dev.cordon.dataplane.iptables.render.IptablesRenderer;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The flow tags the nftables render adds (docs/design/traffic-capture.md) are the iptables render's, rule for rule:
 * the same decision and rule index before the same deciding rule, so one capture serves both backends.
 */
class NftFlowTagRenderTest {
    private static final String GUARD = "ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | ";

    static List<String> chain(EnforcementMode mode, Coexistence c, Family f, String name) {
        return inlined(NftRenderer.render(Policies.rich(mode, c)).table(f).orElseThrow(), name);
    }

    private static final Pattern TAG_JUMP = Pattern.compile("^(.*?)jump (CORDON-[MD]-[0-9a-f]+(?:-[AL])?)(.*)$");

    /**
     * The chain's rules with each jump to a tag chain written out as the two rules it stands for (the match with the
     * tag, then the match with the verdict and the rule's comment), which is how the iptables render writes them.
     */
    static List<String> inlined(NftTable t, String name) {
        List<String> out = new ArrayList<>();
        for (String r : rulesOf(t, name)) {
            Matcher m = TAG_JUMP.matcher(r);
            if (!m.matches()) {
                out.add(r);
                continue;
            }
            List<String> tagChain = rulesOf(t, m.group(2));
            assertThat(tagChain).as("a tag chain: the tag, then the verdict").hasSize(2);
            out.add(m.group(1) + tagChain.get(0));
            out.add(m.group(1) + tagChain.get(1) + m.group(3));
        }
        return out;
    }

    private static List<String> rulesOf(NftTable t, String name) {
        return t.chains().stream().filter(ch -> ch.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no chain " + name)).rules();
    }

    static List<String> input(EnforcementMode mode) {
        return chain(mode, Coexistence.EXCLUSIVE, Family.V4, "CORDON-INPUT");
    }

    static int index(EnforcementMode mode, String rule) {
        return RuleIndex.of(Policies.rich(mode, Coexistence.EXCLUSIVE)).index(rule);
    }

    static String mark(long value) {
        return GUARD + String.format("0x%08x", value);
    }

    @Test
    void fullModeMarksAllowsWithTheirRuleAndLogsDropsNamingTheOverrideDenyButNotAPlainDeny() {
        List<String> in = input(EnforcementMode.FULL);
        int mark = indexOf(in, mark(FlowMark.allowed(index(EnforcementMode.FULL, "/orgs/1/sec_rules/3"))));
        assertThat(in.get(mark)).startsWith("ip saddr @cordon-sadmin-4 ct mark");
        assertThat(in.get(mark + 1)).isEqualTo("ip saddr @cordon-sadmin-4 accept comment \"rule /orgs/1/sec_rules/3\"");
        int od = indexOf(in, "@cordon-in-od-4-net limit rate");
        assertThat(in.get(od)).as("the override denies share a class set: decided, no single rule named")
                .isEqualTo("ip saddr . meta l4proto . th dport @cordon-in-od-4-net limit rate 50/second burst 100 packets"
                        + " log prefix \"cordon D 4095\" group 1703 snaplen 128 queue-threshold 16");
        assertThat(in.get(od + 1)).isEqualTo("ip saddr . meta l4proto . th dport @cordon-in-od-4-net drop");
        int deny = indexOf(in, "tcp dport 1-65535 limit rate");
        assertThat(in.get(deny)).as("full: the engine names no rule for a deny rule's block").contains("\"cordon D 0\"");
        assertThat(in.get(in.size() - 2)).startsWith("limit rate 50/second burst 100 packets log prefix \"cordon D 0\" group 1703");
        assertThat(in.get(in.size() - 1)).isEqualTo("drop");
        int established = indexOf(in, "ct state established,related accept");
        assertThat(in.subList(0, established)).as("nothing tagged before ESTABLISHED").noneMatch(l -> l.contains("ct mark"));
        assertThat(chain(EnforcementMode.FULL, Coexistence.EXCLUSIVE, Family.V4, "CORDON-FORWARD"))
                .as("routed traffic is not this host's: not tagged").noneMatch(l -> l.contains("ct mark") || l.contains(" log "));
        assertThat(chain(EnforcementMode.FULL, Coexistence.EXCLUSIVE, Family.V4, "CORDON-OUTPUT"))
                .contains(mark(FlowMark.allowed(FlowMark.OVERFLOW)).replace(GUARD, "ip daddr . meta l4proto . th dport @cordon-out-al-4-net " + GUARD));
    }

    @Test
    void visibilityOnlyMarksTheOverrideDenyAndTheDefaultPotentiallyBlockedAndDropsNothing() {
        List<String> in = input(EnforcementMode.VISIBILITY_ONLY);
        assertThat(in).contains("ip saddr . meta l4proto . th dport @cordon-in-od-4-net "
                + mark(FlowMark.potentiallyBlocked(FlowMark.OVERFLOW)));
        String allow = mark(FlowMark.allowed(index(EnforcementMode.VISIBILITY_ONLY, "/orgs/1/sec_rules/3")));
        assertThat(in).contains("ip saddr @cordon-sadmin-4 " + allow);
        assertThat(in.get(in.size() - 2)).isEqualTo(mark(FlowMark.potentiallyBlocked(0)));
        assertThat(in.get(in.size() - 1)).isEqualTo("accept");
        assertThat(in).noneMatch(l -> l.contains(" log prefix \"cordon D") || l.endsWith("drop"));
    }

    @Test
    void selectiveNamesTheDenyRuleThatBlocksAndTheDefaultAllows() {
        List<String> in = input(EnforcementMode.SELECTIVE);
        int deny = indexOf(in, "tcp dport 1-65535 limit rate");
        assertThat(in.get(deny)).contains("\"cordon D " + index(EnforcementMode.SELECTIVE, "/orgs/1/deny_rules/1") + "\"");
        assertThat(in.get(in.size() - 2)).isEqualTo(mark(FlowMark.allowed(0)));
    }

    /** Every tag, in order, of every tagged chain of both families: "mark 0x..." or "log cordon D n". */
    @ParameterizedTest
    @EnumSource(value = EnforcementMode.class, names = {"FULL", "SELECTIVE", "VISIBILITY_ONLY"})
    void bothBackendsTagTheSameRulesWithTheSameDecisionAndIndex(EnforcementMode mode) {
        for (Coexistence c : Coexistence.values()) {
            FirewallPolicy p = Policies.rich(mode, c);
            for (Family f : Family.values()) {
                for (String name : List.of("CORDON-INPUT", "CORDON-OUTPUT")) {
                    List<String> ipt = iptablesTags(p, f, name);
                    List<String> nft = nftTags(p, f, name);
                    assertThat(nft).as("%s %s %s %s", mode, c, f, name).isEqualTo(ipt).isNotEmpty();
                }
            }
        }
    }

    private static final Pattern XMARK = Pattern.compile("--set-xmark (0x[0-9a-f]+)/0x3fff0000");
    private static final Pattern NFLOG = Pattern.compile("--nflog-prefix \"([^\"]+)\"");
    private static final Pattern CT_MARK = Pattern.compile("ct mark & 0xc000ffff \\| (0x[0-9a-f]+)$");
    private static final Pattern LOG = Pattern.compile(" ?log prefix \"([^\"]+)\" group 1703");

    static List<String> iptablesTags(FirewallPolicy p, Family f, String chain) {
        List<String> out = new ArrayList<>();
        for (TableSpec t : IptablesRenderer.render(p).tables()) {
            if (t.family() != f || !t.table().equals("filter")) continue;
            for (ChainSpec c : t.chains()) {
                if (!c.name().equals(chain)) continue;
                for (String r : c.rules()) tag(r, XMARK, NFLOG).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The tags; a class set's interval part ({@code @<set>-net}) repeats its hash part's tag and is left out. */
    static List<String> nftTags(FirewallPolicy p, Family f, String chain) {
        List<String> out = new ArrayList<>();
        List<String> rules = inlined(NftRenderer.render(p).table(f).orElseThrow(), chain);
        for (int i = 0; i < rules.size(); i++) {
            String r = rules.get(i);
            if (i >= 2 && r.contains(NftRenderer.NET_SUFFIX + " ")
                    && rules.get(i - 2).equals(r.replace(NftRenderer.NET_SUFFIX + " ", " "))) continue;
            tag(r, CT_MARK, LOG).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void aDecidingRuleLooksUpOnceAndJumpsToItsTagChain() {
        NftTable t = NftRenderer.render(Policies.rich(EnforcementMode.FULL, Coexistence.EXCLUSIVE)).table(Family.V4).orElseThrow();
        List<String> in = rulesOf(t, "CORDON-INPUT");
        assertThat(in).as("no rule repeats a set lookup for its tag").noneMatch(r -> r.contains("@") && r.contains("ct mark"));
        String chain = "CORDON-M-" + String.format("%08x", FlowMark.allowed(index(EnforcementMode.FULL, "/orgs/1/sec_rules/3"))) + "-A";
        assertThat(in).contains("ip saddr @cordon-sadmin-4 jump " + chain + " comment \"rule /orgs/1/sec_rules/3\"");
        assertThat(rulesOf(t, chain)).containsExactly(mark(FlowMark.allowed(index(EnforcementMode.FULL, "/orgs/1/sec_rules/3"))), "accept");
        assertThat(in).contains("ip saddr . meta l4proto . th dport @cordon-in-od-4-net jump CORDON-D-4095");
        assertThat(rulesOf(t, "CORDON-D-4095")).containsExactly("limit rate 50/second burst 100 packets log prefix"
                + " \"cordon D 4095\" group 1703 snaplen 128 queue-threshold 16", "drop");
        List<String> names = t.chains().stream().map(NftChain::name).toList();
        assertThat(names.indexOf(chain)).as("declared before the chains that jump to it").isLessThan(names.indexOf("CORDON-INPUT"));
    }

    private static java.util.Optional<String> tag(String rule, Pattern mark, Pattern log) {
        Matcher m = mark.matcher(rule);
        if (m.find()) return java.util.Optional.of("mark 0x" + Long.toHexString(Long.decode(m.group(1))));
        Matcher l = log.matcher(rule);
        if (l.find()) return java.util.Optional.of("log " + l.group(1));
        return java.util.Optional.empty();
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(part)) return i;
        throw new AssertionError("no line with " + part + " in\n" + String.join("\n", lines));
    }
}
