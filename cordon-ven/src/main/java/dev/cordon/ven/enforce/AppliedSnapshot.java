package dev.cordon.ven.enforce;

/**
 * What an apply left in the kernel, as the enforcer read it back: the hash of the policy it enforces, its
 * coexistence state, and an opaque JSON form the agent persists in its state directory (file {@code applied.json})
 * so an operator, and a restarted VEN, can see what was in force.
 */
public record AppliedSnapshot(String policyHash, String coexistence, String json) {}
