package dev.cordon.dataplane;


/**
 * One change found by a tamper check. For ipsets, {@code table} is "ipset", {@code chain} the set name and
 * {@code rule} the member.
 */
public record Change(Family family, String table, String chain, String rule, ChangeKind kind) {
    @Override
    public String toString() {
        return kind + " " + family.display() + " " + table + "/" + chain + (rule.isEmpty() ? "" : ": " + rule);
    }
}
