package dev.cordon.pce.traffic.generator;

import java.util.List;
import java.util.Set;

/**
 * An app group: a label scope (one label per key, e.g. app=shop, env=prod), named as people read it ("app=shop env=prod"). A workload is in it when it carries
 * every one of these labels (SPEC §2 for a scope with one label per key). {@code keys} are those labels' keys: rules
 * name workloads of the group by their other labels (usually role).
 */
public record AppGroup(String name, List<String> labels, Set<String> keys) {
    public AppGroup {
        labels = List.copyOf(labels);
        keys = Set.copyOf(keys);
        if (labels.isEmpty()) throw new IllegalArgumentException("an app group needs at least one label");
    }

    boolean contains(ObservedFlow.End e) {
        if (!e.isWorkload()) return false;
        for (String l : labels) if (!e.has(l)) return false;
        return true;
    }
}
