package dev.cordon.dataplane.plan;

import java.util.List;

/** A Cordon-owned chain and its rules, in order. Names start with "CORDON" (that is how Cordon finds its own). */
public record PlanChain(String name, List<PlanRule> rules) {
    public PlanChain {
        rules = List.copyOf(rules);
        if (!name.startsWith("CORDON")) throw new IllegalArgumentException("Cordon chain " + name + " must start with CORDON");
    }
}
