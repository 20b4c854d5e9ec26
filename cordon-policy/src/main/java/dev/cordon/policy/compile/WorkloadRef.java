package dev.cordon.policy.compile;

/** Which workload a {@link FirewallPolicy} is for. */
public record WorkloadRef(String href, String name) {}
