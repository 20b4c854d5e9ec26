package dev.cordon.policy.validate;

import dev.cordon.policy.model.RuleSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Names that must be unique within one kind (label groups, IP lists, services, rule sets): reports a missing name
 * ({@code <kind>_name_required}) and a name already taken ({@code <kind>_name_in_use}, as the PCE's API says it).
 */
final class UniqueNames<T> {
    private final String tokenPrefix;
    private final Function<T, String> hrefOf;
    private final Map<String, T> seen = new HashMap<>();

    UniqueNames(String tokenPrefix, Function<T, String> hrefOf) {
        this.tokenPrefix = tokenPrefix;
        this.hrefOf = hrefOf;
    }

    void check(Subject about, String name, T owner, Findings out) {
        if (name == null || name.isBlank()) {
            out.add(about, tokenPrefix + "_name_required", "the name is missing; give it a name of its own");
            return;
        }
        T earlier = seen.putIfAbsent(name, owner);
        if (earlier != null) {
            // A clash between two rule sets concerns both, whichever of them is being saved.
            RuleSet other = earlier instanceof RuleSet rs ? rs : null;
            out.add(about, other, tokenPrefix + "_name_in_use", "the name '" + name + "' is already used by "
                    + Names.href(hrefOf.apply(earlier)) + "; names are unique, so rename one of them");
        }
    }
}
