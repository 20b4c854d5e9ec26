package dev.cordon.dataplane.nftables.tamper;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.dataplane.watch.NftChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What foreign transactions did to Cordon's tables, read from their change notifications alone, pure. Cordon owns its
 * tables whole, so every foreign rule, chain, set or element message there is tampering, and the notification names
 * the chain or set: the check after a notification needs no listing (no {@code nft} process, which at 10,000 set
 * elements costs over 100 ms because nft 1.0.6 fetches every element for any listing). Kinds: rules deleted (all of
 * a chain's: flushed) or added, a chain deleted or changed (its policy), a foreign chain or set, elements removed or
 * added, a set deleted, the table deleted. Details name the notification, not the rule text (the poll's full
 * comparison, which keeps running, reports that).
 */
public final class NftEventChanges {
    private NftEventChanges() {}

    public static List<Change> of(NftSnapshot applied, List<NftChange> notes) {
        List<Change> out = new ArrayList<>();
        String t = NftTableId.CORDON;
        for (Family f : Family.values()) {
            String nftFamily = f == Family.V4 ? "ip" : "ip6";
            List<NftChange> mine = notes.stream()
                    .filter(n -> n.table().cordon() && n.table().family().equals(nftFamily)).toList();
            if (mine.isEmpty()) continue;
            LiveTable a = applied.tables().get(f);
            if (a == null) {
                if (mine.stream().anyMatch(n -> n.kind() != NftChange.DELTABLE)) {
                    out.add(new Change(f, t, "", "a Cordon table that no policy wants", ChangeKind.FOREIGN_CHAIN));
                }
                continue;
            }
            if (mine.stream().anyMatch(n -> n.kind() == NftChange.DELTABLE)) {
                for (String c : a.chains().keySet()) out.add(new Change(f, t, c, "table deleted", ChangeKind.CHAIN_DELETED));
                continue;
            }
            Map<String, int[]> rules = new LinkedHashMap<>(); // chain -> {deleted, added}
            Set<String> deletedChains = new LinkedHashSet<>();
            Set<String> changedChains = new LinkedHashSet<>();
            Map<String, ChangeKind> sets = new LinkedHashMap<>();
            for (NftChange n : mine) {
                switch (n.kind()) {
                    case NftChange.DELRULE -> rules.computeIfAbsent(n.name(), k -> new int[2])[0]++;
                    case NftChange.NEWRULE -> rules.computeIfAbsent(n.name(), k -> new int[2])[1]++;
                    case NftChange.DELCHAIN -> deletedChains.add(n.name());
                    case NftChange.NEWCHAIN -> changedChains.add(n.name());
                    case NftChange.DELSET -> sets.put(n.name(), ChangeKind.SET_MISSING);
                    case NftChange.NEWSET -> sets.merge(n.name(), ChangeKind.SET_MISSING, (x, y) -> x);
                    case NftChange.DELSETELEM -> sets.putIfAbsent(n.name(), ChangeKind.SET_MEMBER_REMOVED);
                    case NftChange.NEWSETELEM -> sets.putIfAbsent(n.name(), ChangeKind.SET_MEMBER_ADDED);
                    default -> { }
                }
            }
            String why = " (change notification)";
            for (String c : deletedChains) {
                if (a.chains().containsKey(c)) out.add(new Change(f, t, c, "", ChangeKind.CHAIN_DELETED));
            }
            for (String c : changedChains) {
                if (deletedChains.contains(c)) continue;
                out.add(a.chains().containsKey(c) ? new Change(f, t, c, "chain changed" + why, ChangeKind.POLICY_CHANGED)
                        : new Change(f, t, c, "", ChangeKind.FOREIGN_CHAIN));
            }
            rules.forEach((c, n) -> {
                if (deletedChains.contains(c) || !a.chains().containsKey(c)) return;
                int had = a.chains().get(c).rules().size();
                if (n[0] > 0 && n[1] == 0 && n[0] >= had) out.add(new Change(f, t, c, "", ChangeKind.CHAIN_FLUSHED));
                else if (n[0] > 0) out.add(new Change(f, t, c, n[0] + " rules deleted" + why, ChangeKind.RULE_DELETED));
                if (n[1] > 0) out.add(new Change(f, t, c, n[1] + " rules added" + why, ChangeKind.RULE_ADDED));
            });
            sets.forEach((s, kind) -> {
                if (a.sets().containsKey(s)) out.add(new Change(f, t, s, kind == ChangeKind.SET_MISSING ? "" : "elements" + why, kind));
                else if (kind == ChangeKind.SET_MISSING) out.add(new Change(f, t, s, "a set Cordon did not create", ChangeKind.FOREIGN_CHAIN));
            });
        }
        return out;
    }
}
