package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One firewall-coexistence entry: workloads carrying every label of {@code scope}, optionally only those whose
 * mode fits {@code workloadMode} ({@code enforced} or {@code illuminated}), coexist; primary when
 * {@code illumioPrimary}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoexistenceEntry(Boolean illumioPrimary, List<Ref> scope, String workloadMode) {
    public static final String ENFORCED = "enforced";
    public static final String ILLUMINATED = "illuminated";

    public CoexistenceEntry {
        scope = Lists.copy(scope);
    }

    public boolean isPrimary() {
        return Boolean.TRUE.equals(illumioPrimary);
    }

    public List<Ref> scopeOrEmpty() {
        return Lists.orEmpty(scope);
    }
}
