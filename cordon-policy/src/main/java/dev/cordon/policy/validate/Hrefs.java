package dev.cordon.policy.validate;

import dev.cordon.policy.model.RuleSet;

/** The two href problems every kind of object can have: none at all, or one another object of its kind uses. */
final class Hrefs {
    private Hrefs() {}

    static boolean missing(String href) {
        return href == null || href.isBlank();
    }

    static void reportMissing(Subject about, String kind, Findings out) {
        out.add(about, "missing_href", "this " + kind + " has no href; give every object an href such as"
                + " /orgs/1/... so that other objects and explanations can refer to it");
    }

    static void reportDuplicate(Subject about, String kind, RuleSet otherRuleSet, Findings out) {
        out.add(about, otherRuleSet, "duplicate_href", "another " + kind + " already uses this href; hrefs are"
                + " unique, so give this one its own");
    }
}
