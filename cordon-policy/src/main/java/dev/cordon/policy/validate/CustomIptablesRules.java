package dev.cordon.policy.validate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a custom iptables statement may say (SPEC §3): the append form into an allowed table and chain, without
 * Cordon's chains, ipset matches, semicolons, other commands, or a DROP in the nat table. Returns problems as
 * {@code token, reason} pairs; the caller names the statement.
 */
final class CustomIptablesRules {
    static final Map<String, Set<String>> CHAINS = Map.of(
            "mangle", Set.of("PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING"),
            "nat", Set.of("PREROUTING", "OUTPUT", "POSTROUTING"),
            "filter", Set.of("INPUT", "OUTPUT", "FORWARD"));
    private static final Set<String> COMMANDS = Set.of("-A", "-I", "-D", "-F", "-X", "-N", "-P", "-R", "-Z", "-E",
            "-L", "-S", "--append", "--insert", "--delete", "--flush", "--delete-chain", "--new-chain", "--policy",
            "--replace", "--zero", "--rename-chain", "--list", "--list-rules");

    private CustomIptablesRules() {}

    /** One problem: a stable token and the reason, to be prefixed with the statement. */
    record Problem(String token, String reason) {}

    static List<Problem> check(String table, String chain, String parameters) {
        java.util.ArrayList<Problem> out = new java.util.ArrayList<>();
        if (table == null || !CHAINS.containsKey(table)) {
            out.add(new Problem("invalid_iptables_table", "table '" + table + "' is not allowed; use mangle, nat or filter"));
        } else if (chain == null || !CHAINS.get(table).contains(chain)) {
            out.add(new Problem("invalid_iptables_chain", "chain '" + chain + "' is not allowed in table " + table
                    + "; use one of " + String.join(", ", new java.util.TreeSet<>(CHAINS.get(table)))));
        }
        String params = parameters == null ? "" : parameters.trim();
        if (params.isEmpty()) {
            out.add(new Problem("iptables_parameters_required", "parameters are empty; give the rule, e.g. -p tcp --dport 8080 -j ACCEPT"));
            return out;
        }
        if (params.contains(";")) {
            out.add(new Problem("unsupported_iptables_token", "a semicolon is not allowed; give one rule per statement"));
        }
        String[] tokens = params.split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (COMMANDS.contains(t)) {
                out.add(new Problem("unsupported_iptables_token", "'" + t + "' is not allowed: statements are appended by"
                        + " Cordon; give only the rule's match and target (table and chain go in their own fields)"));
            }
            if (t.toUpperCase(Locale.ROOT).startsWith("CORDON")) {
                out.add(new Problem("unsupported_iptables_token", "'" + t + "' names a chain owned by Cordon; custom"
                        + " rules may not jump to or touch Cordon's chains"));
            }
            if (t.equals("--match-set") || ((t.equals("-m") || t.equals("--match")) && i + 1 < tokens.length
                    && tokens[i + 1].equals("set"))) {
                out.add(new Problem("unsupported_iptables_token", "ipset matches (-m set, --match-set) are not allowed;"
                        + " Cordon owns the host's ipsets"));
            }
            if ("nat".equals(table) && (t.equals("-j") || t.equals("--jump")) && i + 1 < tokens.length
                    && tokens[i + 1].equals("DROP")) {
                out.add(new Problem("drop_in_nat_table", "a DROP target is not allowed in the nat table; drop in the"
                        + " filter table instead"));
            }
        }
        return out;
    }
}
