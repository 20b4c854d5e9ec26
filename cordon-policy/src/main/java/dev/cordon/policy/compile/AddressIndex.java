package dev.cordon.policy.compile;

import dev.cordon.policy.membership.AddrRanges;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Every workload address, sorted, so that "which workloads lie in this IP list" is a binary search per range
 * rather than a scan of every workload for every rule.
 */
final class AddressIndex {
    private final BigInteger[] keys;
    private final int[] owners;
    private final int[] addressCount;

    AddressIndex(BigInteger[][] workloadKeys) {
        int total = 0;
        addressCount = new int[workloadKeys.length];
        for (int w = 0; w < workloadKeys.length; w++) {
            addressCount[w] = workloadKeys[w].length;
            total += workloadKeys[w].length;
        }
        Integer[] order = new Integer[total];
        BigInteger[] flatKeys = new BigInteger[total];
        int[] flatOwners = new int[total];
        int i = 0;
        for (int w = 0; w < workloadKeys.length; w++) {
            for (BigInteger k : workloadKeys[w]) {
                flatKeys[i] = k;
                flatOwners[i] = w;
                order[i] = i;
                i++;
            }
        }
        Arrays.sort(order, (a, b) -> flatKeys[a].compareTo(flatKeys[b]));
        keys = new BigInteger[total];
        owners = new int[total];
        for (int j = 0; j < total; j++) {
            keys[j] = flatKeys[order[j]];
            owners[j] = flatOwners[order[j]];
        }
    }

    /** Workloads with some address in {@code ranges} ({@code any}) and with all of them ({@code full}). */
    record Cover(BitSet any, BitSet full) {
        static final Cover NONE = new Cover(new BitSet(), new BitSet());
    }

    Cover cover(AddrRanges ranges) {
        if (ranges.isEmpty()) return Cover.NONE;
        Map<Integer, Integer> counts = new HashMap<>();
        ranges.forEachInterval((lo, hi) -> {
            int at = Arrays.binarySearch(keys, lo);
            if (at < 0) at = -at - 1;
            while (at > 0 && keys[at - 1].equals(lo)) at--;
            for (int j = at; j < keys.length && keys[j].compareTo(hi) <= 0; j++) {
                counts.merge(owners[j], 1, Integer::sum);
            }
        });
        BitSet any = new BitSet();
        BitSet full = new BitSet();
        counts.forEach((w, c) -> {
            any.set(w);
            if (c >= addressCount[w]) full.set(w);
        });
        return new Cover(any, full);
    }
}
