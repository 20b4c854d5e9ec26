package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.cordon.policy.hash.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A named set of addresses, named by its <em>definition</em> (the actors and the scope that select it), so that a
 * workload's new IP changes the members and never the rule text. {@code v4} and {@code v6} hold merged CIDR blocks in
 * ascending order, IP-list exclusions already subtracted. {@code source} says in words what selects the set.
 * {@code digest} is a hash of the members, computed once: policy hashes use it instead of re-reading every member,
 * and a VEN can skip refilling an ipset whose digest did not change.
 */
@JsonPropertyOrder({"id", "source", "digest", "v4", "v6"})
public record AddressSet(String id, String source, String digest, List<String> v4, List<String> v6) {
    public AddressSet {
        v4 = List.copyOf(v4);
        v6 = List.copyOf(v6);
        if (digest == null) digest = digestOf(v4, v6);
    }

    public AddressSet(String id, String source, List<String> v4, List<String> v6) {
        this(id, source, null, v4, v6);
    }

    public int size() {
        return v4.size() + v6.size();
    }

    /** The same set without its members, standing for it in content hashes. */
    AddressSet stub() {
        return new AddressSet(id, source, digest, List.of(), List.of());
    }

    private static String digestOf(List<String> v4, List<String> v6) {
        Sha256 md = Sha256.digest();
        for (String s : v4) md.add(s.getBytes(StandardCharsets.US_ASCII)).add((byte) ',');
        md.add((byte) '|');
        for (String s : v6) md.add(s.getBytes(StandardCharsets.US_ASCII)).add((byte) ',');
        return md.hex(12);
    }
}
