package dev.cordon.dataplane.iptables.save;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One table as {@code iptables-save} printed it, without counters and comments: chains with their policy
 * ({@code -} for user chains) in printed order, and every chain's rules in order, each as the text after
 * {@code -A CHAIN }. This canonical form is what snapshots hold and what tamper checks compare.
 */
public record SavedTable(String table, Map<String, String> policies, Map<String, List<String>> rules) {
    public SavedTable {
        Map<String, String> p = new LinkedHashMap<>(policies);
        Map<String, List<String>> r = new LinkedHashMap<>();
        for (String c : p.keySet()) r.put(c, List.copyOf(rules.getOrDefault(c, List.of())));
        policies = java.util.Collections.unmodifiableMap(p);
        rules = java.util.Collections.unmodifiableMap(r);
    }

    public List<String> rules(String chain) {
        return rules.getOrDefault(chain, List.of());
    }

    public boolean hasChain(String chain) {
        return policies.containsKey(chain);
    }

    /** The table as {@code iptables-restore} input (counters zeroed), which restores exactly this state. */
    public String restoreText() {
        StringBuilder sb = new StringBuilder("*").append(table).append('\n');
        policies.forEach((c, pol) -> sb.append(':').append(c).append(' ').append(pol).append(" [0:0]\n"));
        rules.forEach((c, rs) -> rs.forEach(r -> sb.append("-A ").append(c).append(' ').append(r).append('\n')));
        return sb.append("COMMIT\n").toString();
    }

    /** Parses {@code iptables-save} output into its tables, in printed order. */
    public static Map<String, SavedTable> parseAll(String save) {
        Map<String, SavedTable> out = new LinkedHashMap<>();
        String table = null;
        Map<String, String> policies = null;
        Map<String, List<String>> rules = null;
        for (String raw : save.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("*")) {
                table = line.substring(1);
                policies = new LinkedHashMap<>();
                rules = new LinkedHashMap<>();
            } else if (line.equals("COMMIT")) {
                if (table != null) out.put(table, new SavedTable(table, policies, rules));
                table = null;
            } else if (table != null && line.startsWith(":")) {
                String[] parts = line.substring(1).split(" ");
                policies.put(parts[0], parts.length > 1 ? parts[1] : "-");
            } else if (table != null && line.startsWith("-A ")) {
                int sp = line.indexOf(' ', 3);
                String chain = sp < 0 ? line.substring(3) : line.substring(3, sp);
                String rule = sp < 0 ? "" : line.substring(sp + 1);
                rules.computeIfAbsent(chain, k -> new ArrayList<>()).add(rule);
                policies.putIfAbsent(chain, "-");
            }
        }
        return out;
    }
}
