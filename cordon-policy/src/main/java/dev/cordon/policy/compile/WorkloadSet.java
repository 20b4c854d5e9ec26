package dev.cordon.policy.compile;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The workloads of one address set, by position: a sorted array while the set is small, a bit set once it is large.
 *
 * <p>Why: a {@link BitSet} over every workload costs {@code workloads / 8} bytes however few members it has, and at
 * 250,000 workloads × 75,000 rules the sets (about 79,000, a few workloads each) held 2.4 GB that way. A sorted
 * array costs 4 bytes a member; it turns into a bit set once that would be smaller (more than one member in 32).
 * The method names are {@link BitSet}'s, so the compiler's loops read the same for either form.
 */
final class WorkloadSet {
    private final int universe;
    private int[] sorted;
    private int size;
    private BitSet bits;

    private WorkloadSet(int universe, int[] sorted, int size, BitSet bits) {
        this.universe = universe;
        this.sorted = sorted;
        this.size = size;
        this.bits = bits;
    }

    /** The members of {@code b}, over {@code universe} workloads. */
    static WorkloadSet of(BitSet b, int universe) {
        int n = b.cardinality();
        if (dense(n, universe)) return new WorkloadSet(universe, null, 0, (BitSet) b.clone());
        int[] a = new int[n];
        int i = 0;
        for (int w = b.nextSetBit(0); w >= 0; w = b.nextSetBit(w + 1)) a[i++] = w;
        return new WorkloadSet(universe, a, n, null);
    }

    /** The members in {@code a[0..n)}, ascending and distinct. */
    static WorkloadSet ofSorted(int[] a, int n, int universe) {
        if (dense(n, universe)) {
            BitSet b = new BitSet(universe);
            for (int i = 0; i < n; i++) b.set(a[i]);
            return new WorkloadSet(universe, null, 0, b);
        }
        return new WorkloadSet(universe, Arrays.copyOf(a, n), n, null);
    }

    private static boolean dense(int members, int universe) {
        return members > universe / 32;
    }

    boolean get(int w) {
        return bits != null ? bits.get(w) : Arrays.binarySearch(sorted, 0, size, w) >= 0;
    }

    void set(int w, boolean member) {
        if (bits != null) {
            bits.set(w, member);
            return;
        }
        int at = Arrays.binarySearch(sorted, 0, size, w);
        if (member == at >= 0) return;
        if (member) {
            at = -at - 1;
            if (dense(size + 1, universe)) {
                bits = new BitSet(universe);
                for (int i = 0; i < size; i++) bits.set(sorted[i]);
                bits.set(w);
                sorted = null;
                size = 0;
                return;
            }
            if (size == sorted.length) sorted = Arrays.copyOf(sorted, Math.max(4, size * 2));
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            sorted[at] = w;
            size++;
        } else {
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            size--;
        }
    }

    /** The first member at or after {@code from}, or -1. */
    int nextSetBit(int from) {
        if (bits != null) return bits.nextSetBit(from);
        int at = Arrays.binarySearch(sorted, 0, size, from);
        if (at < 0) at = -at - 1;
        return at < size ? sorted[at] : -1;
    }

    /** Adds every member to {@code target}. */
    void orInto(BitSet target) {
        if (bits != null) {
            target.or(bits);
            return;
        }
        for (int i = 0; i < size; i++) target.set(sorted[i]);
    }
}
