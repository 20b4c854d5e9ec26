package dev.cordon.policy.validate;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule sets and everything in them: href and unique name, scopes, allow rules, deny rules and custom iptables rules.
 * Rule hrefs are unique across the whole document, as explanations name a rule by its href alone. Disabled rule
 * sets and rules are checked too: enabling them later is not validated again.
 */
final class RuleSetValidator {
    private final Findings out;
    private final ActorValidator actors;
    private final RuleValidator rules;
    private final CustomIptablesValidator custom;
    private final Map<String, RuleSet> ruleHrefs = new HashMap<>();

    RuleSetValidator(DocumentIndex index, Findings out) {
        this.out = out;
        this.actors = new ActorValidator(index, out);
        this.rules = new RuleValidator(index, actors, new StatelessRules(index, out), out);
        this.custom = new CustomIptablesValidator(actors, out);
    }

    void check(PolicyDocument doc) {
        UniqueNames<RuleSet> names = new UniqueNames<>("rule_set", RuleSet::href);
        Map<String, RuleSet> setHrefs = new HashMap<>();
        for (RuleSet rs : doc.ruleSetsOrEmpty()) {
            Subject about = Subject.of(rs);
            if (Hrefs.missing(rs.href())) {
                Hrefs.reportMissing(about, "rule set", out);
            } else {
                RuleSet earlier = setHrefs.putIfAbsent(rs.href(), rs);
                if (earlier != null) Hrefs.reportDuplicate(about, "rule set", earlier, out);
            }
            names.check(about, rs.name(), rs, out);
            List<List<Actor>> scopes = rs.scopesOrEmpty();
            for (int i = 0; i < scopes.size(); i++) {
                actors.scope(about.then("scope " + (i + 1)), scopes.get(i));
            }
            List<Rule> allows = rs.rulesOrEmpty();
            for (int i = 0; i < allows.size(); i++) {
                Rule r = allows.get(i);
                rules.check(rule(about, "allow rule", i, r.href(), rs), r, false);
            }
            List<Rule> denies = rs.denyRulesOrEmpty();
            for (int i = 0; i < denies.size(); i++) {
                Rule r = denies.get(i);
                rules.check(rule(about, r.isOverride() ? "override deny rule" : "deny rule", i, r.href(), rs), r, true);
            }
            List<IpTablesRule> customRules = rs.ipTablesRulesOrEmpty();
            for (int i = 0; i < customRules.size(); i++) {
                IpTablesRule r = customRules.get(i);
                custom.check(rule(about, "custom iptables rule", i, r.href(), rs), r);
            }
        }
    }

    /** The rule's subject, after checking its href is present and unused by any other rule of the document. */
    private Subject rule(Subject ruleSet, String kind, int position, String href, RuleSet rs) {
        if (Hrefs.missing(href)) {
            Subject about = ruleSet.then(kind + " #" + (position + 1) + " (no href)");
            Hrefs.reportMissing(about, "rule", out);
            return about;
        }
        Subject about = ruleSet.then(kind + " " + href);
        RuleSet earlier = ruleHrefs.putIfAbsent(href, rs);
        if (earlier != null) Hrefs.reportDuplicate(about, "rule", earlier == rs ? null : earlier, out);
        return about;
    }
}
