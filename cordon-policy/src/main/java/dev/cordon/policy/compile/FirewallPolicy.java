package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cordon.policy.hash.Sha256;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;

/**
 * What a VEN receives: the neutral, dataplane-free firewall policy of one workload. The VEN does no label logic;
 * it renders this into iptables/ipset. Entries are in precedence order (override deny, allow, deny); the default
 * for traffic no entry decides follows {@code enforcementMode}. {@code hash} is a content hash over everything
 * but {@code version} and {@code hash} (the workload, a digest of the class body with set members through their
 * digests, and the control plane), so a provision that does not change this workload's policy does not make its VEN
 * re-apply.
 */
@JsonPropertyOrder({"workload", "version", "hash", "enforcement_mode", "coexistence", "sets", "inbound", "outbound",
        "custom_iptables", "control_plane"})
public record FirewallPolicy(WorkloadRef workload, long version, String hash, EnforcementMode enforcementMode,
                             Coexistence coexistence, List<AddressSet> sets, List<PolicyEntry> inbound,
                             List<PolicyEntry> outbound, List<CustomStatement> customIptables,
                             List<Endpoint> controlPlane) {
    public FirewallPolicy {
        sets = List.copyOf(sets);
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
        customIptables = List.copyOf(customIptables);
        controlPlane = List.copyOf(controlPlane);
    }

    /** Builds a policy and computes its content hash. */
    public static FirewallPolicy of(WorkloadRef workload, long version, EnforcementMode mode, Coexistence coexistence,
                                    List<AddressSet> sets, List<PolicyEntry> inbound, List<PolicyEntry> outbound,
                                    List<CustomStatement> custom, List<Endpoint> controlPlane) {
        String body = bodyDigest(mode, coexistence, sets, inbound, outbound, custom);
        return ofDigested(workload, version, body, mode, coexistence, sets, inbound, outbound, custom, controlPlane);
    }

    /**
     * Builds a policy whose body digest ({@link #bodyDigest}) the caller already knows: the compiler computes it once
     * per policy class, so that each workload's policy costs a small hash, not a serialisation of every entry.
     */
    public static FirewallPolicy ofDigested(WorkloadRef workload, long version, String bodyDigest, EnforcementMode mode,
                                            Coexistence coexistence, List<AddressSet> sets, List<PolicyEntry> inbound,
                                            List<PolicyEntry> outbound, List<CustomStatement> custom,
                                            List<Endpoint> controlPlane) {
        return new FirewallPolicy(workload, version, hashOf(workload, bodyDigest, controlPlane), mode, coexistence, sets,
                inbound, outbound, custom, controlPlane);
    }

    /**
     * The hash of the policy of {@code workload} whose class body digest is {@code bodyDigest}, served with
     * {@code controlPlane}: what {@link #ofDigested} stamps, without building the policy (the PCE answers a woken
     * VEN from this and bytes shared by its class).
     */
    public static String hashOf(WorkloadRef workload, String bodyDigest, List<Endpoint> controlPlane) {
        return Sha256.hex(PolicyJson.write(workload) + "|" + bodyDigest + "|" + PolicyJson.write(controlPlane), 16);
    }

    /** The content digest of everything a policy class shares: mode, coexistence, sets (by digest), entries, custom. */
    public static String bodyDigest(EnforcementMode mode, Coexistence coexistence, List<AddressSet> sets,
                                    List<PolicyEntry> inbound, List<PolicyEntry> outbound, List<CustomStatement> custom) {
        List<AddressSet> stubs = sets.stream().map(AddressSet::stub).toList();
        return Sha256.hex(PolicyJson.write(new Body(mode, coexistence, stubs, inbound, outbound, custom)), 16);
    }

    /** The hashed part of a policy that does not depend on the workload or the control plane. */
    private record Body(EnforcementMode enforcementMode, Coexistence coexistence, List<AddressSet> sets,
                        List<PolicyEntry> inbound, List<PolicyEntry> outbound, List<CustomStatement> customIptables) {}

    public FirewallPolicy withVersion(long v) {
        return new FirewallPolicy(workload, v, hash, enforcementMode, coexistence, sets, inbound, outbound,
                customIptables, controlPlane);
    }

    public FirewallPolicy withControlPlane(List<Endpoint> endpoints) {
        return of(workload, version, enforcementMode, coexistence, sets, inbound, outbound, customIptables, endpoints);
    }

    public FirewallPolicy withCoexistence(Coexistence c) {
        return of(workload, version, enforcementMode, c, sets, inbound, outbound, customIptables, controlPlane);
    }

    public AddressSet set(String id) {
        for (AddressSet s : sets) {
            if (s.id().equals(id)) return s;
        }
        throw new IllegalArgumentException("no address set " + id + " in the policy of " + workload.name());
    }
}
