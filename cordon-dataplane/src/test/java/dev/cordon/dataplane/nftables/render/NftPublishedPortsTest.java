package dev.cordon.dataplane.nftables.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.Policies;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftPublishedPortsTest {
    private static NftChain chain(NftDesired d, String name) {
        return d.table(Family.V4).orElseThrow().chains().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no chain " + name));
    }

    @Test
    void publishedPortsAreJudgedBeforeDnatAndDroppedInForwardInEveryState() {
        for (Coexistence c : Coexistence.values()) {
            NftDesired d = NftRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.FULL, c));
            assertThat(chain(d, "published-prerouting").rules())
                    .containsExactly("ct state new fib daddr type local jump CORDON-PUBLISHED");
            assertThat(chain(d, "published-prerouting").header())
                    .isEqualTo("type filter hook prerouting priority -160; policy accept;");
            assertThat(chain(d, "CORDON-PUBLISHED").rules()).containsExactly(
                    "iifname \"lo\" accept",
                    "ip saddr . meta l4proto . th dport @cordon-in-al-4 jump CORDON-M-1fff0000-A",
                    "jump CORDON-PUB-D-0");
            // the pass tags as in filter-input (the same chain); the drop tags blocked(0), sets the bit, logs the
            // un-DNATed packet naming the index and ends the judgement
            assertThat(chain(d, "CORDON-M-1fff0000-A").rules()).containsExactly(
                    "ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | 0x1fff0000", "accept");
            assertThat(chain(d, "CORDON-PUB-D-0").rules()).containsExactly(
                    "ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | 0x30000000",
                    "meta mark set meta mark | 0x02000000",
                    "limit rate 50/second burst 100 packets log prefix \"cordon P 0\" group 1703 snaplen 128 queue-threshold 16",
                    "accept");
            assertThat(chain(d, "published-forward").rules()).containsExactly(
                    "meta mark & 0x02000000 == 0x02000000 ct status dnat limit rate 50/second burst 100 packets log prefix \"cordon F\" group 1703 snaplen 128 queue-threshold 16",
                    "meta mark & 0x02000000 == 0x02000000 ct status dnat drop",
                    "meta mark & 0x02000000 == 0x02000000 meta mark set meta mark & 0xfdffffff");
            // the host's own new connections lose the judgement's tag: filter-input tags them at their place
            assertThat(chain(d, "published-input").rules()).containsExactly(
                    "meta mark & 0x02000000 == 0x02000000 meta mark set meta mark & 0xfdffffff",
                    "ct state new ct mark & 0x3fff0000 != 0 ct mark set ct mark & 0xc000ffff");
        }
    }

    @Test
    void visibilityOnlyLogsWhatAPublishedPortWouldBlockAndDropsNothing() {
        NftDesired d = NftRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.VISIBILITY_ONLY, Coexistence.PRIMARY));
        List<String> fwd = chain(d, "published-forward").rules();
        assertThat(fwd.get(0)).contains("ct status dnat").contains("log prefix \"cordon-pb \"");
        assertThat(String.join("\n", fwd)).doesNotContain("drop").doesNotContain("cordon F");
        // the default's would-block: the bit (for the log), then the pass tags potentially_blocked(0)
        assertThat(chain(d, "CORDON-PUBLISHED").rules()).endsWith("jump CORDON-PUBLISHED-MARK",
                "ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | 0x20000000", "accept");
    }

    @Test
    void selectiveWithNothingBlockedOnlyTagsPublishedPortConnections() {
        NftDesired d = NftRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.SELECTIVE, Coexistence.PRIMARY));
        assertThat(d.table(Family.V4).orElseThrow().chains()).extracting(NftChain::name)
                .filteredOn(n -> n.contains("PUB") || n.startsWith("published-"))
                .containsExactly("CORDON-PUBLISHED", "published-prerouting", "published-input");
        // the rule's pass and the selective default's both tag allowed, as in filter-input; nothing is marked
        assertThat(chain(d, "CORDON-PUBLISHED").rules()).containsExactly(
                "iifname \"lo\" accept",
                "ip saddr . meta l4proto . th dport @cordon-in-al-4 jump CORDON-M-1fff0000-A",
                "ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | 0x10000000", "accept");
        assertThat(chain(d, "published-input").rules())
                .containsExactly("ct state new ct mark & 0x3fff0000 != 0 ct mark set ct mark & 0xc000ffff");
    }
}
