package dev.cordon.pce.traffic.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * Consolidates the ports seen on one protocol into ranges: neighbouring ports always share a range; while more than
 * {@code maxEntries} ranges remain, the two ranges with the smallest gap between them are joined (so the few extra
 * ports a rule opens are the ones between ports already seen close together). Every port seen stays covered.
 */
public final class PortRanges {
    private PortRanges() {}

    public static List<PortRange> consolidate(int proto, SortedSet<Integer> ports, int maxEntries) {
        if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be at least 1");
        List<int[]> ranges = new ArrayList<>();
        for (int p : ports) {
            int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && p <= last[1] + 1) last[1] = Math.max(last[1], p);
            else ranges.add(new int[] {p, p});
        }
        while (ranges.size() > maxEntries) {
            int best = 0;
            for (int i = 1; i + 1 < ranges.size(); i++) {
                if (gap(ranges, i) < gap(ranges, best)) best = i;
            }
            ranges.get(best)[1] = ranges.get(best + 1)[1];
            ranges.remove(best + 1);
        }
        List<PortRange> out = new ArrayList<>();
        for (int[] r : ranges) out.add(new PortRange(proto, r[0], r[1]));
        return List.copyOf(out);
    }

    private static long gap(List<int[]> ranges, int i) {
        return (long) ranges.get(i + 1)[0] - ranges.get(i)[1];
    }
}
