package dev.cordon.policy.compile;

import java.util.List;

/**
 * A named set of addresses, content-addressed by its <em>definition</em> (the actors and the scope that select
 * it), so that a workload's new IP changes the members and never the rule text. {@code v4} and {@code v6} hold
 * merged CIDR blocks in ascending order, IP-list exclusions already subtracted. {@code source} says in words
 * what selects the set, for explanations.
 */
public record AddressSet(String id, String source, List<String> v4, List<String> v6) {
    public AddressSet {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
    }

    public int size() {
        return v4.size() + v6.size();
    }
}
