package dev.cordon.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the tamper detectors of both backends compare rule lists with. Pure. */
public final class RuleLists {
    private RuleLists() {}

    /** Multiset difference {@code a - b}, keeping {@code a}'s order: a rule listed twice must be there twice. */
    public static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> count = new HashMap<>();
        for (String s : b) count.merge(s, 1, Integer::sum);
        List<String> out = new ArrayList<>();
        for (String s : a) {
            Integer n = count.get(s);
            if (n == null || n == 0) out.add(s);
            else count.put(s, n - 1);
        }
        return out;
    }
}
