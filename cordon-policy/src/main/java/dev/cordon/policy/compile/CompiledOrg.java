package dev.cordon.policy.compile;

/** Being written. */
public final class CompiledOrg {
    public FirewallPolicy policyOf(String workloadHref) { throw new UnsupportedOperationException("being written"); }
    public Coexistence coexistenceOf(String workloadHref) { throw new UnsupportedOperationException("being written"); }
}
