package dev.cordon.policy.validate;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.Label;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stateless rules (SPEC §3). Providers are exactly one of: one workload; labels only (no label groups, no
 * exclusions), at most one per key and four in all; or {@code ams} with one or more IP lists and nothing else. The
 * org holds at most {@value #MAX} of them, counted over every rule set, enabled or not, since a disabled rule may be
 * enabled later without another check.
 */
final class StatelessRules {
    /** An org holds at most this many stateless rules. */
    static final int MAX = 100;
    private static final int MAX_LABELS = 4;
    private static final String SHAPES = "a stateless rule's providers must be exactly one workload; or labels only"
            + " (no label groups, no exclusions; at most one per key and four in all); or ams together with IP lists"
            + " and nothing else. Change the providers or make the rule stateful";

    private final DocumentIndex index;
    private final Findings out;
    private int count;

    StatelessRules(DocumentIndex index, Findings out) {
        this.index = index;
        this.out = out;
    }

    /** Counts one stateless allow rule and checks its providers. */
    void check(Subject rule, List<Actor> providers) {
        count++;
        if (count > MAX) {
            out.add(rule, "stateless_rule_limit_exceeded", "this is stateless rule number " + count + ", and an org"
                    + " holds at most " + MAX + "; make it stateful or remove another stateless rule");
        }
        if (providers.isEmpty() || providers.stream().anyMatch(a -> a.selectorCount() != 1)) {
            return; // already reported as missing or malformed providers
        }
        String problem = problem(providers);
        if (problem != null) {
            out.add(rule.then("providers"), "stateless_rule_providers", problem + "; " + SHAPES);
        }
    }

    /** Why the providers fit none of the three shapes, or {@code null} when they fit one. */
    private String problem(List<Actor> providers) {
        long workloads = providers.stream().filter(a -> a.workload() != null).count();
        long labels = providers.stream().filter(a -> a.label() != null).count();
        long groups = providers.stream().filter(a -> a.labelGroup() != null).count();
        long ams = providers.stream().filter(Actor::isAms).count();
        long ipLists = providers.stream().filter(a -> a.ipList() != null).count();
        int n = providers.size();
        if (workloads == 1 && n == 1) return null;
        if (ams >= 1 && ipLists >= 1 && ams + ipLists == n) return null;
        if (labels == n) return labelsProblem(providers);
        if (workloads > 0) return workloads == 1 ? "a workload must be the only provider" : workloads + " workloads are named";
        if (groups > 0 && labels + groups == n) return "label groups are named";
        if (ams > 0 && ipLists == 0 && n == ams) return "ams is named without IP lists";
        if (ams > 0) return "ams is combined with something other than IP lists";
        if (ipLists > 0) return "IP lists are named without ams";
        return "labels are mixed with other kinds of providers";
    }

    private String labelsProblem(List<Actor> providers) {
        if (providers.stream().anyMatch(Actor::isExcluded)) return "a label is excluded";
        if (providers.size() > MAX_LABELS) return providers.size() + " labels are named";
        Set<String> keys = new HashSet<>();
        for (Actor a : providers) {
            Label l = index.labels.get(a.label().href());
            if (l != null && l.key() != null && !keys.add(l.key())) {
                return "two labels of key " + l.key() + " are named";
            }
        }
        return null;
    }
}
