package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.EnforcementMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What a VEN receives: the neutral, dataplane-free firewall policy of one workload. The VEN does no label logic;
 * it renders this into iptables/ipset. Entries are in precedence order (override deny, allow, deny); the default
 * for traffic no entry decides follows {@code enforcementMode}. {@code hash} is a content hash over everything
 * but {@code version} and {@code hash} (set members through their digests), so a provision that does not change this
 * workload's policy does not make its VEN re-apply.
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
        List<AddressSet> stubs = sets.stream().map(AddressSet::stub).toList();
        FirewallPolicy unhashed = new FirewallPolicy(workload, 0, "", mode, coexistence, stubs, inbound, outbound,
                custom, controlPlane);
        return new FirewallPolicy(workload, version, contentHash(unhashed), mode, coexistence, sets, inbound,
                outbound, custom, controlPlane);
    }

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

    private static String contentHash(FirewallPolicy p) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(PolicyJson.write(p).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
