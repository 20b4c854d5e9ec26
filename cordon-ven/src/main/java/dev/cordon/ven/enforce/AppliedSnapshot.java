package dev.cordon.ven.enforce;

/**
 * What an apply left in the kernel, as the enforcer read it back: the dataplane backend that applied it, the hash of
 * the policy it enforces, its coexistence state, a JSON form the agent persists in its state directory (file
 * {@code applied.json}; it names its backend, see {@code dataplane.backend.Backends}) so an operator, and a
 * restarted VEN, can see what was in force, and a canonical text of the part Cordon owns (its chains, jumps and sets;
 * everything when exclusive). Two applies of the same policy on an untouched host give the same text, which is how
 * the agent notices that someone changed the firewall while it was being repaired.
 */
public record AppliedSnapshot(String backend, String policyHash, String coexistence, String json, String owned) {}
