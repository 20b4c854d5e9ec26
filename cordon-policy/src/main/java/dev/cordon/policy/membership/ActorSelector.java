package dev.cordon.policy.membership;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A resolved actor list (SPEC §2): which workloads it selects and which addresses (IP lists) it names.
 * Workloads: {@code ams} → managed workloads matching none of the exclusions; included label items → the label
 * expression over all label items; only excluded label items and no {@code ams} → the expression over them; plus
 * explicit workloads. Addresses: the union of its IP lists, exclusions already subtracted.
 */
public record ActorSelector(boolean ams, LabelExpression labels, Set<Integer> amsExclusions,
                            Set<Integer> workloads, AddrRanges addresses, String canonical) {

    /** Evaluates workload membership directly (the decision oracle's path). */
    public boolean containsWorkload(int w, Resolved r) {
        return containsWorkload(w, r.workloadLabels(w), r.workload(w).isManaged(), r.labelKeys());
    }

    /** Membership of workload {@code w} carrying labels {@code wl}. */
    public boolean containsWorkload(int w, int[] wl, boolean managed, String[] labelKeys) {
        if (workloads.contains(w)) return true;
        if (ams && managed) {
            boolean excluded = false;
            for (int l : wl) {
                if (amsExclusions.contains(l)) {
                    excluded = true;
                    break;
                }
            }
            if (!excluded) return true;
        }
        return labels != null && labels.matches(wl, labelKeys);
    }

    /** Evaluates workload membership by set algebra (the compiler's path). */
    public BitSet members(LabelIndex index) {
        BitSet out = new BitSet();
        if (ams) {
            BitSet m = index.managed();
            for (int l : amsExclusions) m.andNot(index.withLabel(l));
            out.or(m);
        }
        if (labels != null) out.or(labels.members(index));
        for (int w : workloads) out.set(w);
        return out;
    }

    public boolean selectsNoWorkloads() {
        return !ams && labels == null && workloads.isEmpty();
    }

    static String canonicalOf(List<String> parts) {
        return String.join(",", new TreeSet<>(parts));
    }
}
