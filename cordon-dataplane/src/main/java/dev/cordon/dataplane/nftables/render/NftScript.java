package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the one {@code nft -f} batch that moves the kernel to an {@link NftDesired}. Pure. A batch is one kernel
 * transaction across every table it names, so any of these scripts leaves the firewall exactly old or exactly new.
 *
 * <ul>
 *   <li>{@link #full}: for each family {@code add table; delete table;} then the whole table: replaces whatever is
 *       there (also a tampered or half-foreign table) in one step; a family Cordon no longer needs is deleted;</li>
 *   <li>{@link #incremental}: from the previously applied state, with the same base chains: flush every chain, add
 *       new sets, add and delete only the elements that changed, delete sets and chains no longer wanted, then write
 *       every rule again. The cost follows the change, not the size of the sets. It fails as a whole when the kernel
 *       is not what the previous state says (a deleted element is ENOENT): the caller then sends {@link #full}.</li>
 * </ul>
 * {@code extra} (exclusive mode's deletion of foreign tables) goes into the same batch.
 */
public final class NftScript {
    /** Elements per {@code add element} statement: large sets become several statements of one batch. */
    static final int CHUNK = 1000;

    private NftScript() {}

    public static String full(NftDesired d, String extra) {
        StringBuilder sb = new StringBuilder();
        for (Family f : Family.values()) {
            String spec = NftTable.nftFamily(f) + " " + NftDesired.TABLE;
            sb.append("add table ").append(spec).append('\n');
            sb.append("delete table ").append(spec).append('\n');
        }
        for (NftTable t : d.tables()) {
            sb.append("table ").append(t.spec()).append(" {\n");
            for (NftSet s : t.sets()) {
                sb.append("\tset ").append(s.name()).append(" {\n\t\ttype ").append(s.type())
                        .append(s.interval() ? "\n\t\tflags interval\n\t}\n" : "\n\t}\n");
            }
            for (NftChain c : t.chains()) {
                sb.append("\tchain ").append(c.name()).append(" {\n");
                if (c.base()) sb.append("\t\t").append(c.header()).append('\n');
                for (String r : c.rules()) sb.append("\t\t").append(r).append('\n');
                sb.append("\t}\n");
            }
            sb.append("}\n");
            for (NftSet s : t.sets()) elements(sb, "add", t.spec(), s.name(), s.elements());
        }
        return sb.append(extra).toString();
    }

    /** True when {@code next} can be reached from {@code prev} incrementally: same tables and same base chains. */
    public static boolean canIncrement(NftDesired prev, NftDesired next) {
        if (prev == null || prev.idle() || next.idle() || prev.coexistence() != next.coexistence()) return false;
        for (Family f : Family.values()) {
            var a = prev.table(f);
            var b = next.table(f);
            if (a.isPresent() != b.isPresent()) return false;
            if (a.isEmpty()) continue;
            if (!bases(a.get()).equals(bases(b.get()))) return false;
        }
        return true;
    }

    private static Map<String, NftChain> bases(NftTable t) {
        Map<String, NftChain> out = new LinkedHashMap<>();
        for (NftChain c : t.chains()) if (c.base()) out.put(c.name(), new NftChain(c.name(), c.hook(), c.priority(), List.of()));
        return out;
    }

    public static String incremental(NftDesired prev, NftDesired next, String extra) {
        if (!canIncrement(prev, next)) throw new IllegalArgumentException("not reachable incrementally; use full()");
        StringBuilder sb = new StringBuilder();
        for (NftTable t : next.tables()) {
            NftTable was = prev.table(t.family()).orElseThrow();
            String spec = t.spec();
            Map<String, NftSet> oldSets = new LinkedHashMap<>();
            was.sets().forEach(s -> oldSets.put(s.name(), s));
            Map<String, NftChain> oldChains = new LinkedHashMap<>();
            was.chains().forEach(c -> oldChains.put(c.name(), c));
            Set<String> wantedChains = new HashSet<>();
            t.chains().forEach(c -> wantedChains.add(c.name()));
            Set<String> wantedSets = new HashSet<>();
            t.sets().forEach(s -> wantedSets.add(s.name()));

            for (String c : oldChains.keySet()) sb.append("flush chain ").append(spec).append(' ').append(c).append('\n');
            for (NftSet s : t.sets()) {
                NftSet old = oldSets.get(s.name());
                if (old == null || !old.type().equals(s.type()) || old.interval() != s.interval()) {
                    if (old != null) sb.append("delete set ").append(spec).append(' ').append(s.name()).append('\n');
                    sb.append("add set ").append(spec).append(' ').append(s.name()).append(' ').append(s.declaration()).append('\n');
                    elements(sb, "add", spec, s.name(), s.elements());
                } else {
                    Set<String> before = new HashSet<>(old.elements());
                    Set<String> after = new HashSet<>(s.elements());
                    elements(sb, "delete", spec, s.name(), old.elements().stream().filter(e -> !after.contains(e)).toList());
                    elements(sb, "add", spec, s.name(), s.elements().stream().filter(e -> !before.contains(e)).toList());
                }
            }
            for (String s : oldSets.keySet()) {
                if (!wantedSets.contains(s)) sb.append("delete set ").append(spec).append(' ').append(s).append('\n');
            }
            for (NftChain c : t.chains()) {
                if (!oldChains.containsKey(c.name())) sb.append("add chain ").append(spec).append(' ').append(c.name()).append('\n');
            }
            for (String c : oldChains.keySet()) {
                if (!wantedChains.contains(c)) sb.append("delete chain ").append(spec).append(' ').append(c).append('\n');
            }
            for (NftChain c : t.chains()) {
                for (String r : c.rules()) {
                    sb.append("add rule ").append(spec).append(' ').append(c.name()).append(' ').append(r).append('\n');
                }
            }
        }
        return sb.append(extra).toString();
    }

    private static void elements(StringBuilder sb, String verb, String spec, String set, List<String> elements) {
        for (int i = 0; i < elements.size(); i += CHUNK) {
            sb.append(verb).append(" element ").append(spec).append(' ').append(set).append(" { ")
                    .append(String.join(", ", elements.subList(i, Math.min(elements.size(), i + CHUNK)))).append(" }\n");
        }
    }
}
