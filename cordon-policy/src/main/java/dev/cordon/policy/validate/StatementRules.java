package dev.cordon.policy.validate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one custom iptables statement may say (SPEC §3): the append form {@code -t <table> -A <chain> <rule>} into
 * an allowed table and chain, whose rule names no Cordon chain, no ipset, no semicolon or line break, no other
 * command, and no DROP in the nat table. The statement's text ends up in an iptables-restore script, so anything
 * that could end the line or change the command is refused rather than escaped.
 *
 * <p>Parameters are split on white space, and {@code --option=value} and attached short options ({@code -jDROP})
 * are split as iptables' option parser would, so that a glued spelling cannot slip past a check.
 */
final class StatementRules {
    static final Map<String, Set<String>> CHAINS = Map.of(
            "mangle", Set.of("PREROUTING", "INPUT", "OUTPUT", "FORWARD", "POSTROUTING"),
            "nat", Set.of("PREROUTING", "OUTPUT", "POSTROUTING"),
            "filter", Set.of("INPUT", "OUTPUT", "FORWARD"));
    /** Short command letters (iptables(8) COMMANDS); any of them in a glued cluster such as {@code -vI} counts. */
    private static final String COMMAND_LETTERS = "AIDFXNPRZELSC";
    /** Short options that take no argument, so that letters after them in a cluster are further options. */
    private static final String FLAG_LETTERS = "vnxf4";
    private static final Set<String> LONG_COMMANDS = Set.of("--append", "--insert", "--delete", "--flush",
            "--delete-chain", "--new-chain", "--policy", "--replace", "--zero", "--rename-chain", "--list",
            "--list-rules", "--check");
    private static final Set<String> IPSET_OPTIONS = Set.of("--match-set", "--add-set", "--del-set", "--map-set");

    /** One problem: a stable token and the reason, which the caller prefixes with the statement. */
    record Problem(String token, String reason) {}

    private StatementRules() {}

    static List<Problem> check(String table, String chain, String parameters) {
        List<Problem> out = new ArrayList<>();
        tableAndChain(table, chain, out);
        String params = parameters == null ? "" : parameters.strip();
        if (params.isEmpty()) {
            out.add(new Problem("iptables_parameters_required", "parameters are empty; give the rule's match and"
                    + " target, e.g. -p tcp --dport 8080 -j ACCEPT"));
            return out;
        }
        if (params.indexOf(';') >= 0) {
            out.add(unsupported("a semicolon is not allowed; give one rule per statement"));
        }
        if (params.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
            out.add(unsupported("a line break is not allowed; give one rule per statement, on one line"));
        }
        tokens(table, tokenize(params), out);
        // One reason is enough per statement even when, say, both -m set and --match-set appear.
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static void tableAndChain(String table, String chain, List<Problem> out) {
        if (table == null || !CHAINS.containsKey(table)) {
            out.add(new Problem("invalid_iptables_table", "table '" + table + "' is not allowed; use mangle, nat or"
                    + " filter"));
        } else if (chain == null || !CHAINS.get(table).contains(chain)) {
            out.add(new Problem("invalid_iptables_chain", "chain '" + chain + "' is not allowed in table " + table
                    + "; use one of " + String.join(", ", new TreeSet<>(CHAINS.get(table)))));
        }
    }

    private static void tokens(String table, List<String> tokens, List<Problem> out) {
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
            if (LONG_COMMANDS.contains(t) || isShortCommand(t)) {
                out.add(unsupported("'" + t + "' is not allowed: Cordon appends each statement itself, so give only"
                        + " the rule's match and target (table and chain go in their own fields)"));
            }
            if (t.equals("-t") || t.equals("--table")) {
                out.add(unsupported("'" + t + "' is not allowed in parameters; the table goes in table_name"));
            }
            if (t.toUpperCase(Locale.ROOT).startsWith("CORDON")) {
                out.add(unsupported("'" + t + "' names a chain owned by Cordon; custom rules may not jump to or"
                        + " touch Cordon's chains"));
            }
            boolean match = t.equals("-m") || t.equals("--match");
            boolean jump = t.equals("-j") || t.equals("--jump") || t.equals("-g") || t.equals("--goto");
            if (IPSET_OPTIONS.contains(t) || (match && next.equals("set")) || (jump && next.equals("SET"))) {
                out.add(unsupported("ipset matches and targets (-m set, --match-set, -j SET) are not allowed; Cordon"
                        + " owns the host's ipsets"));
            }
            if ("nat".equals(table) && jump && next.equalsIgnoreCase("DROP")) {
                out.add(new Problem("drop_in_nat_table", "a DROP target is not allowed in the nat table; drop in"
                        + " the filter table instead"));
            }
        }
    }

    private static boolean isShortCommand(String t) {
        if (t.length() < 2 || t.charAt(0) != '-' || t.charAt(1) == '-') return false;
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (COMMAND_LETTERS.indexOf(c) >= 0) return true;
            if (FLAG_LETTERS.indexOf(c) < 0) return false;
        }
        return false;
    }

    /** Splits on white space, then {@code --opt=value} into two, and {@code -jX} / {@code -mX} into option and value. */
    static List<String> tokenize(String params) {
        List<String> out = new ArrayList<>();
        for (String raw : params.split("\\s+")) {
            if (raw.isEmpty()) continue;
            int eq = raw.indexOf('=');
            if (raw.startsWith("--") && eq > 2) {
                out.add(raw.substring(0, eq));
                out.add(raw.substring(eq + 1));
            } else if (raw.length() > 2 && raw.charAt(0) == '-' && "jgmt".indexOf(raw.charAt(1)) >= 0) {
                out.add(raw.substring(0, 2));
                out.add(raw.substring(2));
            } else {
                out.add(raw);
            }
        }
        return out;
    }

    private static Problem unsupported(String reason) {
        return new Problem("unsupported_iptables_token", reason);
    }
}
