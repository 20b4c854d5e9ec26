package dev.cordon.dataplane.iptables.render;

/** A jump Cordon places in a built-in chain, always marked with the "cordon" comment so it can find its own. */
public record JumpSpec(String builtin, String target) {
    /** The comment every Cordon jump carries, as {@code iptables-save} prints it. */
    public static final String MARK = "-m comment --comment cordon";

    /** The rule text after {@code -A BUILTIN }. */
    public String rule() {
        return "-m comment --comment \"cordon\" -j " + target;
    }

    /** True when a rule text read back from {@code iptables-save} is a Cordon jump. */
    public static boolean isCordonJump(String ruleText) {
        return ruleText.contains(MARK + " ") || ruleText.contains("--comment \"cordon\"");
    }
}
