package dev.cordon.ven.flows;

import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;

/**
 * {@link PublishedPortFlowsKernelTest} on the nftables backend, the backend of {@code DockerNftablesKernelTest}:
 * Docker writes iptables-nft rules, Cordon its own table, whose published-port chains tag the connection
 * (docs/design/traffic-capture.md, "Published ports").
 */
class NftablesPublishedPortFlowsKernelTest extends PublishedPortFlowsKernelTest {
    @Override
    protected Backends.Choice backend() {
        return Backends.Choice.NFTABLES;
    }

    /** Also selective with no deny rule: the judgement still tags (allowed, by the rule or the default). */
    @Override
    protected List<EnforcementMode> modes() {
        return List.of(EnforcementMode.FULL, EnforcementMode.VISIBILITY_ONLY, EnforcementMode.SELECTIVE);
    }
}
