package dev.cordon.policy.membership;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Workloads indexed by label and by label key, as bit sets over workload positions, so that membership of a label
 * expression is a few set intersections rather than a scan of every workload for every rule.
 */
public final class LabelIndex {
    private final int workloadCount;
    private final BitSet[] byLabel;
    private final Map<String, BitSet> byKey = new HashMap<>();
    private final BitSet managed;

    LabelIndex(int workloadCount, int labelCount, int[][] workloadLabels, String[] labelKeys, boolean[] isManaged) {
        this.workloadCount = workloadCount;
        this.byLabel = new BitSet[labelCount];
        for (int l = 0; l < labelCount; l++) byLabel[l] = new BitSet(workloadCount);
        this.managed = new BitSet(workloadCount);
        for (int w = 0; w < workloadCount; w++) {
            for (int l : workloadLabels[w]) {
                byLabel[l].set(w);
                byKey.computeIfAbsent(labelKeys[l], k -> new BitSet(workloadCount)).set(w);
            }
            if (isManaged[w]) managed.set(w);
        }
    }

    /** A copy that can be changed without touching this one. */
    public LabelIndex copy() {
        return new LabelIndex(this);
    }

    private LabelIndex(LabelIndex o) {
        this.workloadCount = o.workloadCount;
        this.byLabel = new BitSet[o.byLabel.length];
        for (int l = 0; l < byLabel.length; l++) byLabel[l] = (BitSet) o.byLabel[l].clone();
        o.byKey.forEach((k, v) -> byKey.put(k, (BitSet) v.clone()));
        this.managed = (BitSet) o.managed.clone();
    }

    /** Moves workload {@code w} from its old labels to its new ones. */
    public void relabel(int w, int[] oldLabels, int[] newLabels, String[] labelKeys) {
        for (int l : oldLabels) {
            byLabel[l].clear(w);
            byKey.get(labelKeys[l]).clear(w);
        }
        for (int l : newLabels) {
            byLabel[l].set(w);
            byKey.computeIfAbsent(labelKeys[l], k -> new BitSet(workloadCount)).set(w);
        }
    }

    /** A fresh set of every workload. */
    public BitSet all() {
        BitSet b = new BitSet(workloadCount);
        b.set(0, workloadCount);
        return b;
    }

    /** Read-only view: callers must copy before changing it. */
    BitSet withLabel(int label) {
        return byLabel[label];
    }

    /** How many workloads carry {@code label}. */
    public int countWithLabel(int label) {
        return byLabel[label].cardinality();
    }

    /** The first workload at or after {@code from} that carries {@code label}, or -1. */
    public int nextWithLabel(int label, int from) {
        return byLabel[label].nextSetBit(from);
    }

    BitSet withKey(String key) {
        BitSet b = byKey.get(key);
        return b == null ? new BitSet() : b;
    }

    /** A fresh set of the managed workloads. */
    public BitSet managed() {
        return (BitSet) managed.clone();
    }
}
