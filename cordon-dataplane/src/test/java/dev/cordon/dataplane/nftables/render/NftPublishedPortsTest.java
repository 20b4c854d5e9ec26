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
                    "ip saddr . meta l4proto . th dport @cordon-in-al-4 accept",
                    "jump CORDON-PUBLISHED-MARK");
            assertThat(chain(d, "CORDON-PUBLISHED-MARK").rules()).containsExactly("meta mark set meta mark | 0x02000000");
            assertThat(chain(d, "published-forward").rules()).containsExactly(
                    "meta mark & 0x02000000 == 0x02000000 ct status dnat drop",
                    "meta mark & 0x02000000 == 0x02000000 meta mark set meta mark & 0xfdffffff");
            assertThat(chain(d, "published-input").rules())
                    .containsExactly("meta mark & 0x02000000 == 0x02000000 meta mark set meta mark & 0xfdffffff");
        }
    }

    @Test
    void visibilityOnlyLogsWhatAPublishedPortWouldBlockAndDropsNothing() {
        NftDesired d = NftRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.VISIBILITY_ONLY, Coexistence.PRIMARY));
        List<String> fwd = chain(d, "published-forward").rules();
        assertThat(fwd.get(0)).contains("ct status dnat").contains("log prefix \"cordon-pb \"");
        assertThat(String.join("\n", fwd)).doesNotContain("drop");
    }

    @Test
    void selectiveWithNothingBlockedNeedsNoPublishedPortChains() {
        NftDesired d = NftRenderer.render(Policies.allowOne("192.0.2.10", 8080, EnforcementMode.SELECTIVE, Coexistence.PRIMARY));
        assertThat(d.table(Family.V4).orElseThrow().chains()).extracting(NftChain::name)
                .noneMatch(n -> n.contains("PUBLISHED") || n.startsWith("published-"));
    }
}
