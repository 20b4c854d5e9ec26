package dev.cordon.policy.membership;

import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.util.Optional;

/** Being written. */
public final class Resolved {
    public static Resolved of(PolicyDocument d) { throw new UnsupportedOperationException("being written"); }
    public Optional<Workload> findWorkload(String key) { throw new UnsupportedOperationException("being written"); }
}
