package dev.cordon.policy.conflict;

import dev.cordon.policy.membership.Resolved;
import java.util.List;

/** Being written. */
public final class ConflictFinder {
    public static List<Conflict> find(Resolved r) { throw new UnsupportedOperationException("being written"); }
}
