package dev.cordon.dataplane.iptables.ipset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code ipset save} output into each set's members, exactly as printed. */
public final class SetMembers {
    private SetMembers() {}

    public static Map<String, List<String>> parseSave(String out) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("create ")) {
                String[] p = line.split(" ");
                result.computeIfAbsent(p[1], k -> new ArrayList<>());
            } else if (line.startsWith("add ")) {
                int a = line.indexOf(' ', 4);
                String set = line.substring(4, a);
                String rest = line.substring(a + 1);
                int sp = rest.indexOf(' ');
                result.computeIfAbsent(set, k -> new ArrayList<>()).add(sp < 0 ? rest : rest.substring(0, sp));
            }
        }
        return result;
    }
}
