package dev.cordon.policy.membership;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A label expression (SPEC §2): OR within a key, AND across keys, minus the excluded labels; a key that has only
 * excluded items requires some other label of that key; no items matches everything. Label groups are already
 * expanded to their labels. Evaluated two ways that must agree: per workload ({@link #matches}), used by the
 * decision oracle, and by set algebra over the {@link LabelIndex} ({@link #members}), used by the compiler.
 */
public final class LabelExpression {
    public static final LabelExpression ALL = new LabelExpression(Map.of(), Set.of(), Set.of());

    private final Map<String, Set<Integer>> included;
    private final Set<Integer> excluded;
    private final Set<String> onlyExcludedKeys;

    private LabelExpression(Map<String, Set<Integer>> included, Set<Integer> excluded, Set<String> onlyExcludedKeys) {
        this.included = included;
        this.excluded = excluded;
        this.onlyExcludedKeys = onlyExcludedKeys;
    }

    /** One item: the labels it stands for (a label, or a group's labels), their key, and whether it is excluded. */
    public record Item(String key, Set<Integer> labels, boolean exclusion) {}

    public static LabelExpression of(List<Item> items) {
        if (items.isEmpty()) return ALL;
        Map<String, Set<Integer>> inc = new TreeMap<>();
        Set<Integer> exc = new TreeSet<>();
        Set<String> excKeys = new TreeSet<>();
        for (Item it : items) {
            if (it.exclusion()) {
                exc.addAll(it.labels());
                excKeys.add(it.key());
            } else {
                inc.computeIfAbsent(it.key(), k -> new TreeSet<>()).addAll(it.labels());
            }
        }
        excKeys.removeAll(inc.keySet());
        return new LabelExpression(inc, exc, excKeys);
    }

    public boolean isAll() {
        return included.isEmpty() && excluded.isEmpty();
    }

    public Set<Integer> excluded() {
        return excluded;
    }

    /** Does a workload carrying these labels (ids, with their keys from {@code labelKeys}) match. */
    public boolean matches(int[] workloadLabels, String[] labelKeys) {
        for (int l : workloadLabels) {
            if (excluded.contains(l)) return false;
        }
        for (Map.Entry<String, Set<Integer>> e : included.entrySet()) {
            boolean any = false;
            for (int l : workloadLabels) {
                if (e.getValue().contains(l)) {
                    any = true;
                    break;
                }
            }
            if (!any) return false;
        }
        for (String key : onlyExcludedKeys) {
            boolean any = false;
            for (int l : workloadLabels) {
                if (key.equals(labelKeys[l])) {
                    any = true;
                    break;
                }
            }
            if (!any) return false;
        }
        return true;
    }

    /** The workloads that match, by set intersection over the index. */
    public BitSet members(LabelIndex index) {
        BitSet result = index.all();
        for (Set<Integer> labels : included.values()) {
            BitSet any = new BitSet();
            for (int l : labels) any.or(index.withLabel(l));
            result.and(any);
        }
        for (int l : excluded) result.andNot(index.withLabel(l));
        for (String key : onlyExcludedKeys) result.and(index.withKey(key));
        return result;
    }

    /** Every label the expression mentions: only a change of these can change whether a workload matches. */
    public Set<Integer> labelsMentioned() {
        Set<Integer> out = new TreeSet<>(excluded);
        included.values().forEach(out::addAll);
        return out;
    }

    /** Per key with included items, its included labels: a matching workload carries one label of each. */
    public Map<String, Set<Integer>> includedByKey() {
        return java.util.Collections.unmodifiableMap(included);
    }

    /** Keys a workload must carry some label of (keys with only excluded items). */
    public Set<String> keysRequired() {
        return onlyExcludedKeys;
    }

    /** A canonical text of the expression, used to name address sets by their definition. */
    public String canonical() {
        return "inc" + included + "exc" + excluded + "keys" + onlyExcludedKeys;
    }
}
