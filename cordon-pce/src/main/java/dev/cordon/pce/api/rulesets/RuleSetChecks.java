package dev.cordon.pce.api.rulesets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.objects.ObjectService;
import dev.cordon.pce.objects.PolicyObjectChecks;
import dev.cordon.pce.auth.AccessControl;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.provision.PolicyService;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.validate.ValidationError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Rule sets: nested rules get hrefs under their rule set ({@code .../rule_sets/5/sec_rules/12}) and timestamps; a
 * rule set is saved only when its references exist and the engine finds no error in it (custom iptables statements
 * included); and a rule set manager may write only within its scopes (SPEC §5, see {@link RuleSetAccess}).
 */
public final class RuleSetChecks implements ObjectService.Checks {
    static final List<String> NESTED = List.of("rules", "deny_rules", "ip_tables_rules");

    private final Store store;
    private final PolicyService policy;
    private final AccessControl access;
    private final Clock clock;

    public RuleSetChecks(Store store, PolicyService policy, AccessControl access, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.access = access;
        this.clock = clock;
    }

    /** The URL segment and href segment of each nested list: rules live under sec_rules. */
    static String segment(String field) {
        return field.equals("rules") ? "sec_rules" : field;
    }

    @Override
    public void prepare(int org, ObjectNode node, JsonNode old, Principal by) {
        String rsHref = node.get("href").asText();
        String now = Json.now(clock);
        for (String field : NESTED) {
            JsonNode list = node.get(field);
            if (list == null || list.isNull()) {
                node.set(field, Json.array());
                continue;
            }
            if (!list.isArray()) continue; // the model check reports the wrong type
            Set<String> known = new HashSet<>();
            java.util.Map<String, JsonNode> before = new java.util.HashMap<>();
            if (old != null) old.path(field).forEach(r -> {
                known.add(r.path("href").asText());
                before.put(r.path("href").asText(), r);
            });
            Set<String> taken = new HashSet<>(known);
            for (JsonNode r : (ArrayNode) list) taken.add(r.path("href").asText());
            for (JsonNode r : (ArrayNode) list) {
                if (!r.isObject()) continue;
                ObjectNode rule = (ObjectNode) r;
                String href = Json.text(rule, "href");
                if (href == null || !known.contains(href)) {
                    String fresh;
                    do { // a rule set imported before counters followed imports may already use the next number
                        fresh = rsHref + "/" + segment(field) + "/" + store.counters().next(org, PolicyService.RULE_COUNTER);
                    } while (!taken.add(fresh));
                    rule.put("href", fresh);
                    rule.put("created_at", now);
                    rule.set("created_by", by.ref());
                }
                if (!rule.has("created_at")) rule.put("created_at", now);
                showDefaults(field, rule);
                JsonNode was = before.get(rule.path("href").asText());
                if (was != null && sameContent(was, rule)) {
                    // an unchanged sibling of the rule being written keeps its own last change
                    rule.set("updated_at", was.get("updated_at"));
                    rule.set("updated_by", was.get("updated_by"));
                } else {
                    rule.put("updated_at", now);
                    rule.set("updated_by", by.ref());
                }
            }
        }
        if (!node.has("scopes") || node.get("scopes").isNull()) node.set("scopes", Json.array().add(Json.array()));
        if (!node.has("enabled")) node.put("enabled", true);
    }

    /** A rule shows the defaults it runs with (enabled, intra-scope, stateful, not override), as Illumio's do. */
    private static void showDefaults(String field, ObjectNode rule) {
        if (!rule.has("enabled") || rule.get("enabled").isNull()) rule.put("enabled", true);
        if (field.equals("ip_tables_rules")) return;
        if (!rule.has("unscoped_consumers") || rule.get("unscoped_consumers").isNull()) rule.put("unscoped_consumers", false);
        if (field.equals("rules") && (!rule.has("stateless") || rule.get("stateless").isNull())) rule.put("stateless", false);
        if (field.equals("deny_rules") && (!rule.has("override") || rule.get("override").isNull())) rule.put("override", false);
    }

    private static final Set<String> STAMPS = Set.of("created_at", "created_by", "updated_at", "updated_by");

    /** True when two versions of a rule differ in nothing but their timestamps and authors. */
    static boolean sameContent(JsonNode a, JsonNode b) {
        ObjectNode x = ((ObjectNode) a).deepCopy();
        ObjectNode y = ((ObjectNode) b).deepCopy();
        x.remove(STAMPS);
        y.remove(STAMPS);
        return x.equals(y);
    }

    /** The external_data pair is unique per rule type across the draft's rule sets, as for every other type. */
    private static void uniqueExternalData(PolicyDocument draft, RuleSet rs) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        List<RuleSet> all = new ArrayList<>();
        all.add(rs);
        for (RuleSet s : draft.ruleSetsOrEmpty()) if (!Objects.equals(s.href(), rs.href())) all.add(s);
        for (RuleSet s : all) {
            for (Rule r : s.rulesOrEmpty()) claim(seen, "allow rule", r.href(), r.externalDataSet(), r.externalDataReference());
            for (Rule r : s.denyRulesOrEmpty()) claim(seen, "deny rule", r.href(), r.externalDataSet(), r.externalDataReference());
            for (dev.cordon.policy.model.IpTablesRule r : s.ipTablesRulesOrEmpty()) {
                claim(seen, "custom iptables rule", r.href(), r.externalDataSet(), r.externalDataReference());
            }
        }
    }

    private static void claim(java.util.Map<String, String> seen, String what, String href, String set, String ref) {
        if (set == null || ref == null) return;
        String other = seen.putIfAbsent(what + "\u0000" + set + "\u0000" + ref, href);
        if (other != null && !other.equals(href)) {
            throw ApiException.invalid("external_data_reference_in_use", "Another " + what + " (" + other + ") already"
                    + " has external_data_set '" + set + "' and external_data_reference '" + ref + "': the pair is"
                    + " unique per object type; update that one or use another reference.");
        }
    }

    @Override
    public void validate(int org, Object obj, Object old, Principal by) {
        RuleSet rs = (RuleSet) obj;
        RuleSet before = (RuleSet) old;
        PolicyObjectChecks.requireName(rs.name(), Kind.RULE_SET);
        RuleSetAccess.check(store, access, org, by, rs, before);
        PolicyObjectChecks.uniqueName(store, org, Kind.RULE_SET, rs.name(), rs.href());
        for (Rule r : rs.denyRulesOrEmpty()) {
            if (r.stateless() != null) {
                throw ApiException.invalid("invalid_deny_rule", "Deny rule " + r.href() + " carries 'stateless', which"
                        + " only allow rules have: remove it.");
            }
        }
        for (Rule r : rs.rulesOrEmpty()) {
            if (r.override() != null) {
                throw ApiException.invalid("invalid_allow_rule", "Allow rule " + r.href() + " carries 'override', which"
                        + " only deny rules have: put it under deny_rules.");
            }
        }
        PolicyObjectChecks.requireReferences(store, org, "rule set", rs.href(), rs);
        PolicyDocument draft = policy.document(org, "draft");
        List<RuleSet> sets = new ArrayList<>();
        for (RuleSet s : draft.ruleSetsOrEmpty()) if (!Objects.equals(s.href(), rs.href())) sets.add(s);
        // a stored workload that is set aside exists (requireReferences) but has no place in policy: the engine
        // checks the rule set as it will compile, without references to it
        java.util.Set<String> setAside = policy.setAside().excluded(org);
        RuleSet checked = setAside.isEmpty() ? rs : dev.cordon.pce.provision.SetAside.withoutReferencesTo(
                PolicyDocument.empty().withRuleSets(List.of(rs)), setAside).ruleSetsOrEmpty().get(0);
        sets.add(checked);
        uniqueExternalData(draft, rs);
        List<ValidationError> errors = RuleSetValidation.validate(draft.withRuleSets(sets), checked);
        if (!errors.isEmpty()) throw ApiException.invalid(errors);
    }

    @Override
    public void beforeDelete(int org, Object old, Principal by) {
        RuleSetAccess.check(store, access, org, by, null, (RuleSet) old);
    }

    static boolean usesIpListProvider(RuleSet rs) {
        for (Rule r : rs.rulesOrEmpty()) for (Actor a : r.providersOrEmpty()) if (a.ipList() != null) return true;
        for (Rule r : rs.denyRulesOrEmpty()) for (Actor a : r.providersOrEmpty()) if (a.ipList() != null) return true;
        return false;
    }
}
