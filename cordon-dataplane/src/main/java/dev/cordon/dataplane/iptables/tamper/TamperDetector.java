package dev.cordon.dataplane.iptables.tamper;

import dev.cordon.dataplane.RuleLists;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.iptables.ipset.SetHeader;
import dev.cordon.dataplane.iptables.render.JumpSpec;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.policy.compile.Coexistence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the live kernel state with the applied snapshot by SPEC §6. Pure: kernel output in, changes out.
 *
 * <p>Exclusive: every chain of the four tables counts; anything Cordon did not write is tampering. Coexistence:
 * only Cordon chains, the rules carrying the "cordon" jump comment, and Cordon ipsets count, so other tools may
 * program anything else; primary also requires each Cordon jump to be the first rule of its built-in chain.
 *
 * <p>Sets are compared cheaply by header (existence, type, entry count); members are compared only for sets
 * whose count differs or on a full check, because listing 100,000 members costs far more than a header.
 */
public final class TamperDetector {
    private TamperDetector() {}

    /** Table changes. */
    public static List<Change> compareTables(IptablesSnapshot applied, Map<Family, Map<String, SavedTable>> live) {
        Coexistence c = applied.policy().coexistence();
        List<Change> out = new ArrayList<>();
        for (Family f : Family.values()) {
            Map<String, SavedTable> was = applied.tables(f);
            Map<String, SavedTable> now = live.getOrDefault(f, Map.of());
            Set<String> tables = new LinkedHashSet<>(was.keySet());
            if (c == Coexistence.EXCLUSIVE) {
                for (String t : now.keySet()) if (TableSpec.TABLES.contains(t)) tables.add(t);
            }
            for (String t : tables) {
                SavedTable a = was.getOrDefault(t, new SavedTable(t, Map.of(), Map.of()));
                SavedTable l = now.getOrDefault(t, new SavedTable(t, Map.of(), Map.of()));
                compareTable(f, c, a, l, out);
            }
        }
        return out;
    }

    private static void compareTable(Family f, Coexistence c, SavedTable a, SavedTable l, List<Change> out) {
        String t = a.table();
        Set<String> chains = new LinkedHashSet<>(a.policies().keySet());
        chains.addAll(l.policies().keySet());
        boolean exclusive = c == Coexistence.EXCLUSIVE;
        for (String chain : chains) {
            boolean builtin = TableSpec.builtins(t).contains(chain);
            boolean own = RestoreScript.isCordonChain(chain);
            List<String> ar = a.rules(chain);
            List<String> lr = l.rules(chain);
            if (own) {
                if (!l.hasChain(chain)) out.add(new Change(f, t, chain, "", ChangeKind.CHAIN_DELETED));
                else if (!a.hasChain(chain)) out.add(new Change(f, t, chain, "", ChangeKind.FOREIGN_CHAIN));
                else if (lr.isEmpty() && !ar.isEmpty()) out.add(new Change(f, t, chain, "", ChangeKind.CHAIN_FLUSHED));
                else diffRules(f, t, chain, ar, lr, ChangeKind.RULE_ADDED, out);
            } else if (builtin) {
                List<String> aj = ar.stream().filter(JumpSpec::isCordonJump).toList();
                List<String> lj = lr.stream().filter(JumpSpec::isCordonJump).toList();
                for (String j : RuleLists.minus(aj, lj)) out.add(new Change(f, t, chain, j, ChangeKind.JUMP_MISSING));
                for (String j : RuleLists.minus(lj, aj)) out.add(new Change(f, t, chain, j, ChangeKind.RULE_ADDED));
                if (c == Coexistence.PRIMARY && !aj.isEmpty() && !lj.isEmpty() && !JumpSpec.isCordonJump(lr.get(0))) {
                    out.add(new Change(f, t, chain, lr.get(0), ChangeKind.JUMP_NOT_FIRST));
                }
                if (exclusive) {
                    List<String> af = ar.stream().filter(r -> !JumpSpec.isCordonJump(r)).toList();
                    List<String> lf = lr.stream().filter(r -> !JumpSpec.isCordonJump(r)).toList();
                    diffRules(f, t, chain, af, lf, ChangeKind.FOREIGN_RULE, out);
                    String ap = a.policies().getOrDefault(chain, "ACCEPT");
                    String lp = l.policies().getOrDefault(chain, "ACCEPT");
                    if (!ap.equals(lp)) out.add(new Change(f, t, chain, ap + " -> " + lp, ChangeKind.POLICY_CHANGED));
                }
            } else if (exclusive) {
                if (!a.hasChain(chain)) {
                    out.add(new Change(f, t, chain, "", ChangeKind.FOREIGN_CHAIN));
                } else if (!l.hasChain(chain)) {
                    out.add(new Change(f, t, chain, "", ChangeKind.CHAIN_DELETED));
                } else {
                    diffRules(f, t, chain, ar, lr, ChangeKind.FOREIGN_RULE, out);
                }
            }
        }
    }

    private static void diffRules(Family f, String t, String chain, List<String> applied, List<String> live,
                                  ChangeKind addedKind, List<Change> out) {
        if (applied.equals(live)) return;
        List<String> gone = RuleLists.minus(applied, live);
        List<String> added = RuleLists.minus(live, applied);
        for (String r : gone) out.add(new Change(f, t, chain, r, ChangeKind.RULE_DELETED));
        for (String r : added) out.add(new Change(f, t, chain, r, addedKind));
        if (gone.isEmpty() && added.isEmpty()) out.add(new Change(f, t, chain, "", ChangeKind.RULE_REORDERED));
    }


    /** Names of applied sets whose members must be listed: all on a full check, else those whose count moved. */
    public static List<String> setsNeedingMembers(IptablesSnapshot applied, Map<String, SetHeader> live, boolean full) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, IptablesSnapshot.SetSnapshot> e : new java.util.TreeMap<>(applied.sets()).entrySet()) {
            SetHeader h = live.get(e.getKey());
            if (h == null) continue;
            if (full || h.entries() != e.getValue().members().size()) out.add(e.getKey());
        }
        return out;
    }

    /** Set changes, from headers and (for the sets named by {@link #setsNeedingMembers}) members. */
    public static List<Change> compareSets(IptablesSnapshot applied, Map<String, SetHeader> live,
                                           Map<String, List<String>> members) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, IptablesSnapshot.SetSnapshot> e : new java.util.TreeMap<>(applied.sets()).entrySet()) {
            String name = e.getKey();
            Family f = name.endsWith("6") ? Family.V6 : Family.V4;
            SetHeader h = live.get(name);
            if (h == null || !e.getValue().type().equals(h.type())) {
                out.add(new Change(f, "ipset", name, "", ChangeKind.SET_MISSING));
                continue;
            }
            List<String> now = members.get(name);
            if (now == null) continue;
            Set<String> was = new TreeSet<>(e.getValue().members());
            Set<String> is = new TreeSet<>(now);
            for (String m : was) if (!is.contains(m)) out.add(new Change(f, "ipset", name, m, ChangeKind.SET_MEMBER_REMOVED));
            for (String m : is) if (!was.contains(m)) out.add(new Change(f, "ipset", name, m, ChangeKind.SET_MEMBER_ADDED));
        }
        return out;
    }
}
