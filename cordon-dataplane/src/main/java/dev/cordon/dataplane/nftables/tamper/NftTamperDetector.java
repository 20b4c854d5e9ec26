package dev.cordon.dataplane.nftables.tamper;

import dev.cordon.dataplane.RuleLists;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.read.NftJson;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares the live kernel with an {@link NftSnapshot} (SPEC §6). Pure. Cordon owns its tables whole ({@code ip
 * cordon}, {@code ip6 cordon}): every chain, rule, base-chain attribute and set of them counts in every state. When
 * exclusive, any other table of any family is tampering too (a foreign firewall would be traversed). Set elements are
 * compared when the live listing has them (a full or small check).
 */
public final class NftTamperDetector {
    private NftTamperDetector() {}

    public static List<Change> compare(NftSnapshot applied, Map<Family, Optional<LiveTable>> live) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<Family, LiveTable> e : applied.tables().entrySet()) {
            Family f = e.getKey();
            LiveTable a = e.getValue();
            Optional<LiveTable> l = live.getOrDefault(f, Optional.empty());
            if (l.isEmpty()) {
                for (String c : a.chains().keySet()) out.add(new Change(f, NftTableId.CORDON, c, "table deleted", ChangeKind.CHAIN_DELETED));
                continue;
            }
            compareTable(f, a, l.get(), out);
        }
        for (Family f : Family.values()) {
            if (!applied.tables().containsKey(f) && live.getOrDefault(f, Optional.empty()).isPresent()) {
                out.add(new Change(f, NftTableId.CORDON, "", "a Cordon table that no policy wants", ChangeKind.FOREIGN_CHAIN));
            }
        }
        return out;
    }

    /**
     * Compares the live tables with a {@link NftSnapshot#rendered} snapshot whose batch the kernel may no longer hold
     * alone (another transaction ran before the listing): rules in nft syntax cannot be compared with the kernel's
     * JSON, so this compares the structure: tables, chains, base-chain headers, rule counts, sets and their types,
     * element counts. Clean means the listing can stand for the applied state from now on.
     */
    public static List<Change> compareRendered(NftSnapshot applied, Map<Family, Optional<LiveTable>> live) {
        List<Change> out = new ArrayList<>();
        String t = NftTableId.CORDON;
        for (Map.Entry<Family, LiveTable> e : applied.tables().entrySet()) {
            Family f = e.getKey();
            LiveTable a = e.getValue();
            Optional<LiveTable> lo = live.getOrDefault(f, Optional.empty());
            if (lo.isEmpty()) {
                for (String c : a.chains().keySet()) out.add(new Change(f, t, c, "table deleted", ChangeKind.CHAIN_DELETED));
                continue;
            }
            LiveTable l = lo.get();
            for (Map.Entry<String, LiveTable.Chain> ce : a.chains().entrySet()) {
                String name = ce.getKey();
                LiveTable.Chain ac = ce.getValue();
                LiveTable.Chain lc = present(f, t, name, ac, l, out);
                if (lc == null) continue;
                int was = ac.rules().size();
                int is = lc.rules().size();
                String counts = is + " rules where Cordon wrote " + was;
                if (is == 0 && was > 0) out.add(new Change(f, t, name, "", ChangeKind.CHAIN_FLUSHED));
                else if (is > was) out.add(new Change(f, t, name, counts, ChangeKind.RULE_ADDED));
                else if (is < was) out.add(new Change(f, t, name, counts, ChangeKind.RULE_DELETED));
            }
            for (String name : l.chains().keySet()) {
                if (!a.chains().containsKey(name)) out.add(new Change(f, t, name, "", ChangeKind.FOREIGN_CHAIN));
            }
            for (Map.Entry<String, LiveTable.Set> se : a.sets().entrySet()) {
                LiveTable.Set as = se.getValue();
                LiveTable.Set ls = l.sets().get(se.getKey());
                if (ls == null || !ls.type().equals(as.type())) {
                    out.add(new Change(f, t, se.getKey(), "", ChangeKind.SET_MISSING));
                    continue;
                }
                if (ls.elements() == null || as.elements() == null) continue;
                int was = as.elements().size();
                int is = ls.elements().size();
                String counts = is + " elements where Cordon wrote " + was;
                if (is < was) out.add(new Change(f, t, se.getKey(), counts, ChangeKind.SET_MEMBER_REMOVED));
                else if (is > was) out.add(new Change(f, t, se.getKey(), counts, ChangeKind.SET_MEMBER_ADDED));
            }
            for (String name : l.sets().keySet()) {
                if (!a.sets().containsKey(name)) out.add(new Change(f, t, name, "a set Cordon did not create", ChangeKind.FOREIGN_CHAIN));
            }
        }
        for (Family f : Family.values()) {
            if (!applied.tables().containsKey(f) && live.getOrDefault(f, Optional.empty()).isPresent()) {
                out.add(new Change(f, NftTableId.CORDON, "", "a Cordon table that no policy wants", ChangeKind.FOREIGN_CHAIN));
            }
        }
        return out;
    }

    /**
     * Exclusive: every table that is not Cordon's is a foreign firewall on the path, except one owned by another
     * process (no repair can delete it; the VEN's health says exclusive is impossible instead).
     */
    public static List<Change> foreignTables(List<NftTableId> live) {
        List<Change> out = new ArrayList<>();
        for (NftTableId t : live) {
            if (!t.cordon() && !t.owned()) out.add(new Change(t.ipFamily(), "nft " + t.spec(), "", "foreign table", ChangeKind.FOREIGN_CHAIN));
        }
        return out;
    }

    /** The live chain {@code name}, or null (noted as deleted); a changed header (hook, priority, policy) is noted. */
    private static LiveTable.Chain present(Family f, String t, String name, LiveTable.Chain ac, LiveTable l, List<Change> out) {
        LiveTable.Chain lc = l.chains().get(name);
        if (lc == null) {
            out.add(new Change(f, t, name, "", ChangeKind.CHAIN_DELETED));
            return null;
        }
        if (!ac.header().equals(lc.header())) {
            out.add(new Change(f, t, name, ac.header() + " -> " + lc.header(), ChangeKind.POLICY_CHANGED));
        }
        return lc;
    }

    private static void compareTable(Family f, LiveTable a, LiveTable l, List<Change> out) {
        String t = NftTableId.CORDON;
        for (Map.Entry<String, LiveTable.Chain> e : a.chains().entrySet()) {
            String name = e.getKey();
            LiveTable.Chain ac = e.getValue();
            LiveTable.Chain lc = present(f, t, name, ac, l, out);
            if (lc == null) continue;
            if (lc.rules().isEmpty() && !ac.rules().isEmpty()) {
                out.add(new Change(f, t, name, "", ChangeKind.CHAIN_FLUSHED));
            } else if (!ac.rules().equals(lc.rules())) {
                List<String> gone = RuleLists.minus(ac.rules(), lc.rules());
                List<String> added = RuleLists.minus(lc.rules(), ac.rules());
                gone.forEach(r -> out.add(new Change(f, t, name, NftJson.describe(r), ChangeKind.RULE_DELETED)));
                added.forEach(r -> out.add(new Change(f, t, name, NftJson.describe(r), ChangeKind.RULE_ADDED)));
                if (gone.isEmpty() && added.isEmpty()) out.add(new Change(f, t, name, "", ChangeKind.RULE_REORDERED));
            }
        }
        for (String name : l.chains().keySet()) {
            if (!a.chains().containsKey(name)) out.add(new Change(f, t, name, "", ChangeKind.FOREIGN_CHAIN));
        }
        for (Map.Entry<String, LiveTable.Set> e : a.sets().entrySet()) {
            String name = e.getKey();
            LiveTable.Set as = e.getValue();
            LiveTable.Set ls = l.sets().get(name);
            if (ls == null || !ls.type().equals(as.type()) || !ls.flags().equals(as.flags())) {
                out.add(new Change(f, t, name, "", ChangeKind.SET_MISSING));
                continue;
            }
            if (ls.elements() == null || as.elements() == null) continue;
            TreeSet<String> was = new TreeSet<>(as.elements());
            TreeSet<String> is = new TreeSet<>(ls.elements());
            for (String m : was) if (!is.contains(m)) out.add(new Change(f, t, name, m, ChangeKind.SET_MEMBER_REMOVED));
            for (String m : is) if (!was.contains(m)) out.add(new Change(f, t, name, m, ChangeKind.SET_MEMBER_ADDED));
        }
        for (String name : l.sets().keySet()) {
            if (!a.sets().containsKey(name)) out.add(new Change(f, t, name, "a set Cordon did not create", ChangeKind.FOREIGN_CHAIN));
        }
    }

}
