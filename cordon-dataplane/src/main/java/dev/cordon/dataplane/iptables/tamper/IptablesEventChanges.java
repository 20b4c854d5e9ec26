package dev.cordon.dataplane.iptables.tamper;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.dataplane.watch.NftChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What foreign iptables-nft transactions did to Cordon's own chains, read from their change notifications alone, pure.
 * Cordon owns every {@code CORDON*} chain whole, so a foreign rule added to or deleted from one is tampering whatever
 * the coexistence state. Anything else the notes name (a built-in chain, where Cordon's jumps live beside other tools'
 * rules; a new chain; any other table) needs the listing to judge: empty then. ipset changes are never notified (not
 * nf_tables): the poll finds those.
 */
public final class IptablesEventChanges {
    private IptablesEventChanges() {}

    public static Optional<List<Change>> of(IptablesSnapshot applied, List<NftChange> notes) {
        Map<String, int[]> rules = new LinkedHashMap<>(); // family/table/chain -> {deleted, added}
        for (NftChange n : notes) {
            if (!n.table().iptablesNft() || !(n.table().family().equals("ip") || n.table().family().equals("ip6"))) {
                return Optional.empty();
            }
            if (n.kind() != NftChange.NEWRULE && n.kind() != NftChange.DELRULE) return Optional.empty();
            Family f = n.table().ipFamily();
            SavedTable t = applied.tables(f).get(n.table().name());
            if (!n.name().startsWith("CORDON") || t == null || !t.hasChain(n.name())) return Optional.empty();
            rules.computeIfAbsent(n.table().family() + "/" + n.table().name() + "/" + n.name(), k -> new int[2])
                    [n.kind() == NftChange.DELRULE ? 0 : 1]++;
        }
        List<Change> out = new ArrayList<>();
        String why = " (change notification)";
        rules.forEach((key, n) -> {
            String[] k = key.split("/", 3);
            Family f = k[0].equals("ip6") ? Family.V6 : Family.V4;
            int had = applied.tables(f).get(k[1]).rules(k[2]).size();
            if (n[0] > 0 && n[1] == 0 && n[0] >= had) out.add(new Change(f, k[1], k[2], "", ChangeKind.CHAIN_FLUSHED));
            else if (n[0] > 0) out.add(new Change(f, k[1], k[2], n[0] + " rules deleted" + why, ChangeKind.RULE_DELETED));
            if (n[1] > 0) out.add(new Change(f, k[1], k[2], n[1] + " rules added" + why, ChangeKind.RULE_ADDED));
        });
        return Optional.of(out);
    }
}
