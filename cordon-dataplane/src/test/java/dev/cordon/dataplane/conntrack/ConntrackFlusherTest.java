package dev.cordon.dataplane.conntrack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Policies;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConntrackFlusherTest {
    private static FirewallPolicy withStateless(List<PolicyEntry> in, String rule) {
        return FirewallPolicy.of(Policies.WEB, 1, EnforcementMode.FULL, Coexistence.EXCLUSIVE,
                List.of(new AddressSet("s1", rule, List.of("10.1.0.0/24"), List.of("fd00::1/128"))), in, List.of(), List.of(), List.of());
    }

    @Test
    void unchangedStatelessRulesDeleteNothing() {
        FirewallPolicy p = withStateless(List.of(Policies.entry(Action.ALLOW, "s1", 17, 53, null, true, "/r/1")), "a");
        assertThat(ConntrackFlusher.commands(p, p.withVersion(2))).isEmpty();
    }

    @Test
    void removedStatelessRuleDeletesItsEntriesPerPeerBlock() {
        FirewallPolicy before = withStateless(List.of(Policies.entry(Action.ALLOW, "s1", 17, 53, null, true, "/r/1")), "a");
        FirewallPolicy after = withStateless(List.of(), "a");
        assertThat(ConntrackFlusher.commands(before, after)).containsExactlyInAnyOrder(
                List.of("conntrack", "-D", "-p", "udp", "--dport", "53", "--orig-src", "10.1.0.0", "--mask-src", "255.255.255.0"),
                List.of("conntrack", "-D", "-f", "ipv6", "-p", "udp", "--dport", "53", "--orig-src", "fd00::1", "--mask-src",
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    @Test
    void statefulChangesDeleteNothing() {
        FirewallPolicy before = withStateless(List.of(Policies.entry(Action.ALLOW, "s1", 6, 80, null, false, "/r/1")), "a");
        assertThat(ConntrackFlusher.commands(before, withStateless(List.of(), "a"))).isEmpty();
    }
}
