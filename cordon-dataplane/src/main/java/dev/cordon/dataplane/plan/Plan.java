package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;

/**
 * What every backend enforces for one policy, before any backend's syntax: the sets, and per family and stage the
 * Cordon chains with their rules in order and the hooks that enter them. Computed by {@link Planner}; pure; equal
 * policies give equal plans. An {@code idle} policy plans nothing: Cordon leaves the firewall alone.
 *
 * <p>Where Cordon's hook jumps go follows {@link #coexistence()}: exclusive, Cordon owns every stage whole; primary,
 * its jumps come first; not primary, they come after the other tools' rules.
 */
public record Plan(String policyHash, EnforcementMode mode, Coexistence coexistence, List<PlanSet> sets,
                   List<PlanTable> tables) {
    public Plan {
        sets = List.copyOf(sets);
        tables = List.copyOf(tables);
    }

    public boolean idle() {
        return mode == EnforcementMode.IDLE;
    }

    public List<PlanTable> tables(Family f) {
        return tables.stream().filter(t -> t.family() == f).toList();
    }
}
