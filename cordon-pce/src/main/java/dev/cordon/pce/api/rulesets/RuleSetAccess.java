package dev.cordon.pce.api.rulesets;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.RuleSet;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a rule set manager may write (SPEC §5). A rule set scope lies within a manager scope when, for every label of
 * the manager scope, the rule set scope includes labels of that key and only that label (label groups count as
 * their labels; exclusions only narrow a scope, so they never matter). Every scope of the rule set, before and after
 * the change, must lie within one of the manager's scopes; a scope of All never does. Unless every scope lies within
 * a {@code sources_only} grant, the manager may not use an IP list as a provider nor change custom iptables rules.
 */
final class RuleSetAccess {
    private RuleSetAccess() {}

    static void check(Store store, AccessControl access, int org, Principal by, RuleSet after, RuleSet before) {
        if (by.isAdmin()) return;
        String what = (after != null ? after : before).href();
        List<Principal.Grant> grants = by.rulesetScopes();
        if (grants.isEmpty()) {
            throw access.denied(by, "write " + what, "Your role may not change rule sets: ask for the admin role or"
                    + " a ruleset_manager permission.");
        }
        boolean sourcesOnly = true;
        for (RuleSet rs : new RuleSet[] {before, after}) {
            if (rs == null) continue;
            if (rs.isScopeAll()) {
                throw access.denied(by, "write " + what, "Rule set '" + rs.name() + "' has a scope of All; a rule"
                        + " set manager may only write rule sets whose every scope lies within one of its scopes.");
            }
            for (List<Actor> scope : rs.scopesOrEmpty()) {
                Optional<Principal.Grant> g = grants.stream().filter(x -> within(store, org, scope, x)).findFirst();
                if (g.isEmpty()) {
                    throw access.denied(by, "write " + what, "Rule set '" + rs.name() + "' has a scope outside your"
                            + " scopes (" + describe(grants) + "): every scope must include your scope's labels.");
                }
                boolean only = grants.stream().anyMatch(x -> within(store, org, scope, x)
                        && Principal.SOURCES_ONLY.equals(x.coverage()));
                sourcesOnly &= only;
            }
        }
        if (sourcesOnly || after == null) return;
        if (RuleSetChecks.usesIpListProvider(after) && (before == null || !RuleSetChecks.usesIpListProvider(before)
                || !Json.MAPPER.valueToTree(after.rulesOrEmpty()).equals(Json.MAPPER.valueToTree(before.rulesOrEmpty())))) {
            throw access.denied(by, "write " + what, "With scope coverage sources_and_destinations you may not use an"
                    + " IP list as a provider (destination) in rule set '" + after.name() + "'.");
        }
        Object beforeCustom = before == null ? List.of() : strip(before);
        if (!Objects.equals(strip(after), beforeCustom)) {
            throw access.denied(by, "write " + what, "With scope coverage sources_and_destinations you may not manage"
                    + " custom iptables rules (rule set '" + after.name() + "').");
        }
    }

    /** The custom iptables rules without their server-stamped fields, to compare content only. */
    private static Object strip(RuleSet rs) {
        return rs.ipTablesRulesOrEmpty().stream()
                .map(r -> List.of(String.valueOf(r.actors()), String.valueOf(r.statements()), String.valueOf(r.ipVersion()),
                        String.valueOf(r.enabled())))
                .toList();
    }

    private static String describe(List<Principal.Grant> grants) {
        return String.join("; ", grants.stream().map(g -> String.join(" + ", g.scope())).toList());
    }

    static boolean within(Store store, int org, List<Actor> scope, Principal.Grant g) {
        for (String grantLabel : g.scope()) {
            String key = keyOf(store, org, grantLabel);
            Set<String> included = new HashSet<>();
            for (Actor a : scope) {
                if (a.isExcluded()) continue;
                if (a.label() != null) {
                    if (Objects.equals(keyOf(store, org, a.label().href()), key)) included.add(a.label().href());
                } else if (a.labelGroup() != null) {
                    Set<String> labels = expand(store, org, a.labelGroup().href());
                    for (String l : labels) if (Objects.equals(keyOf(store, org, l), key)) included.add(l);
                }
            }
            if (!included.equals(Set.of(grantLabel))) return false;
        }
        return true;
    }

    private static String keyOf(Store store, int org, String labelHref) {
        return store.objects().get(org, Kind.LABEL.kind(), labelHref).map(b -> Json.text(Json.parse(b), "key")).orElse(null);
    }

    private static Set<String> expand(Store store, int org, String groupHref) {
        Set<String> labels = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(groupHref));
        while (!todo.isEmpty()) {
            String g = todo.pop();
            if (!seen.add(g)) continue;
            store.objects().get(org, Kind.LABEL_GROUP.kind(), g).map(Json::parse).ifPresent(n -> {
                n.path("labels").forEach(l -> labels.add(l.path("href").asText()));
                n.path("sub_groups").forEach(s -> todo.push(s.path("href").asText()));
            });
        }
        return labels;
    }
}
