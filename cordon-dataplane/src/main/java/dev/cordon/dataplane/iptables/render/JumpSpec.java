package dev.cordon.dataplane.iptables.render;

/**
 * A jump Cordon places in a built-in chain, always marked with the "cordon" comment so it can find its own;
 * {@code match} (empty, or ending in a space) narrows which packets take it (the published-port chains only concern
 * a connection's first packet: {@link #NEW}).
 */
public record JumpSpec(String builtin, String target, String match) {
    /** The comment every Cordon jump carries, as {@code iptables-save} prints it. */
    public static final String MARK = "-m comment --comment cordon";
    /** The match of a jump only a new connection's packets take. */
    public static final String NEW = "-m conntrack --ctstate NEW ";

    public JumpSpec(String builtin, String target) {
        this(builtin, target, "");
    }

    /** The rule text after {@code -A BUILTIN }. */
    public String rule() {
        return match + "-m comment --comment \"cordon\" -j " + target;
    }

    /** True when a rule text read back from {@code iptables-save} is a Cordon jump. */
    public static boolean isCordonJump(String ruleText) {
        return ruleText.contains(MARK + " ") || ruleText.contains("--comment \"cordon\"");
    }
}
