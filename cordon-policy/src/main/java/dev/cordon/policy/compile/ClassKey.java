package dev.cordon.policy.compile;

import dev.cordon.policy.model.EnforcementMode;
import java.util.Arrays;
import java.util.Objects;

/**
 * What makes two workloads' policies identical: mode, coexistence, the rule scopes they receive inbound and
 * outbound (each id shifted left once, the low bit set when the rule covers only some of the host's addresses),
 * and their custom iptables rules. Arrays are ascending.
 */
public record ClassKey(EnforcementMode mode, Coexistence coexistence, int[] inbound, int[] outbound, int[] custom) {
    @Override
    public boolean equals(Object o) {
        return o instanceof ClassKey k && mode == k.mode && coexistence == k.coexistence
                && Arrays.equals(inbound, k.inbound) && Arrays.equals(outbound, k.outbound)
                && Arrays.equals(custom, k.custom);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, coexistence, Arrays.hashCode(inbound), Arrays.hashCode(outbound),
                Arrays.hashCode(custom));
    }

    @Override
    public String toString() {
        return mode + "/" + coexistence + " in" + Arrays.toString(inbound) + " out" + Arrays.toString(outbound)
                + " custom" + Arrays.toString(custom);
    }
}
