package dev.cordon.dataplane.nftables.snapshot;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.hash.Sha256;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nftables backend's applied snapshot: the policy, Cordon's table of each family ({@link LiveTable}, with every
 * set element), and whether the not-primary pass mark rules were set in iptables-nft's filter chains. A plain value
 * (Jackson-friendly), written as JSON by {@code dataplane.backend.Backends}.
 *
 * <p>{@code rendered}: the tables are the batch as Cordon rendered it (rules in nft syntax, elements as written), not
 * yet as the kernel prints them. An apply whose batch was the only transaction between two reads of the ruleset
 * generation knows the kernel holds exactly that batch (nft -f is one transaction), so it skips the read-back, which
 * at 10,000 set elements costs more than the batch; the next check lists the tables once and keeps that listing as
 * the kernel's form ({@link #adopted}). False: the tables as {@code nft -j list table} printed them.
 */
public record NftSnapshot(FirewallPolicy policy, Map<Family, LiveTable> tables, boolean passMark, boolean rendered)
        implements AppliedState {
    /** The name this backend goes by in snapshots, saved firewalls and {@code --dataplane}. */
    public static final String BACKEND = "nftables";

    @com.fasterxml.jackson.annotation.JsonCreator
    public NftSnapshot {
        tables = Map.copyOf(tables);
    }

    /** A snapshot read back from the kernel. */
    public NftSnapshot(FirewallPolicy policy, Map<Family, LiveTable> tables, boolean passMark) {
        this(policy, tables, passMark, false);
    }

    /** The same applied state in the kernel's form, as a listing printed it. */
    public NftSnapshot adopted(Map<Family, LiveTable> kernel) {
        return new NftSnapshot(policy, kernel, passMark, false);
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    /** Chains with their headers and rules, sets by type, count and digest of the elements, the pass mark. */
    @Override
    public String owned() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Family, LiveTable> e : new TreeMap<>(tables).entrySet()) {
            String t = (e.getKey() == Family.V4 ? "ip" : "ip6") + " cordon";
            for (Map.Entry<String, LiveTable.Chain> c : new TreeMap<>(e.getValue().chains()).entrySet()) {
                sb.append(t).append(" chain ").append(c.getKey()).append(' ').append(c.getValue().header()).append('\n');
                c.getValue().rules().forEach(r -> sb.append("  ").append(r).append('\n'));
            }
            for (Map.Entry<String, LiveTable.Set> s : new TreeMap<>(e.getValue().sets()).entrySet()) {
                var elements = s.getValue().elements() == null ? java.util.List.<String>of() : s.getValue().elements();
                sb.append(t).append(" set ").append(s.getKey()).append(' ').append(s.getValue().type()).append(' ')
                        .append(elements.size()).append(" elements ").append(Sha256.hex(String.join("\n", elements), 16))
                        .append('\n');
            }
        }
        if (passMark) sb.append("iptables filter pass mark\n");
        return sb.toString();
    }
}
