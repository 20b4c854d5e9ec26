package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;
import java.util.Optional;

/**
 * What the nftables backend wants in the kernel for one policy: Cordon's table per family, whether the not-primary
 * pass mark must be set by iptables-nft's filter chains ({@link PassMark}), and the custom iptables statements this
 * backend refuses (it cannot run iptables parameters inside an nftables table; see docs/design/dataplane.md).
 */
public record NftDesired(String policyHash, EnforcementMode mode, Coexistence coexistence, List<NftTable> tables,
                         List<String> refused) {
    /** Cordon's table name in every family. */
    public static final String TABLE = "cordon";

    public NftDesired {
        tables = List.copyOf(tables);
        refused = List.copyOf(refused);
    }

    public boolean idle() {
        return mode == EnforcementMode.IDLE;
    }

    public Optional<NftTable> table(Family f) {
        return tables.stream().filter(t -> t.family() == f).findFirst();
    }

    /** Not primary: packets the other firewalls accepted skip Cordon, which needs their fall-through marked. */
    public boolean passMark() {
        return !idle() && coexistence == Coexistence.NOT_PRIMARY;
    }

    /** The whole-table batch, headed by a comment: what {@code cordon policy compile --format nftables} prints. */
    public String text() {
        StringBuilder sb = new StringBuilder("# cordon policy ").append(policyHash).append(" mode ").append(mode.wire())
                .append(" coexistence ").append(coexistence.wire()).append(" (nftables: nft -f)\n");
        for (String r : refused) sb.append("# refused: custom iptables statement ").append(r).append('\n');
        return sb.append(NftScript.full(this, "")).toString();
    }
}
