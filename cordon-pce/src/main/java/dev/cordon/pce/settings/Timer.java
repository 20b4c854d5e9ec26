package dev.cordon.pce.settings;

import java.util.List;

/**
 * One entry of a per-scope timer list of the workload settings: workloads carrying every label of {@code scope}
 * (all workloads when it is empty), of {@code venType} (any when null), wait {@code seconds}; {@code -1} is never.
 */
public record Timer(List<String> scope, String venType, long seconds) {
    public static final long NEVER = -1;

    public Timer {
        scope = List.copyOf(scope);
    }

    boolean applies(java.util.Set<String> labels, String type) {
        return (venType == null || venType.equals(type)) && labels.containsAll(scope);
    }
}
