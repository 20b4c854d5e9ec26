package dev.cordon.policy.validate;

import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validates a whole policy document and reports every problem at once, each a stable snake_case token and a message
 * that names the object (href or name) and says how to fix it.
 *
 * <p>The document is indexed by href once ({@link DocumentIndex}); every later check is a walk over one kind of
 * object with hash look-ups, so the run is linear in the size of the document (100,000 workloads and 10,000 rules
 * validate in a fraction of a second). Each problem remembers the rule set it concerns, which is how
 * {@link #validateRuleSet} keeps only one rule set's problems.
 */
public final class Validator {
    /** An org holds at most this many stateless rules (SPEC §3). */
    public static final int MAX_STATELESS_RULES = StatelessRules.MAX;

    private Validator() {}

    /** Every problem in the document, in document order; empty when it is valid. */
    public static List<ValidationError> validate(PolicyDocument doc) {
        return run(doc).errors();
    }

    /** Throws {@link PolicyException} carrying every problem, if there is any. */
    public static void requireValid(PolicyDocument doc) {
        List<ValidationError> errors = validate(doc);
        if (!errors.isEmpty()) {
            throw new PolicyException(errors);
        }
    }

    /**
     * The problems that concern one rule set, judged within the whole document (its references, its name and rule
     * hrefs against the others, its place in the org-wide stateless count). The PCE calls it when a rule set is
     * saved. When the document does not hold {@code rs} (by identity or href), {@code rs} is judged as if added.
     */
    public static List<ValidationError> validateRuleSet(PolicyDocument doc, RuleSet rs) {
        Objects.requireNonNull(rs, "rs");
        boolean present = doc.ruleSetsOrEmpty().stream()
                .anyMatch(s -> s == rs || (rs.href() != null && rs.href().equals(s.href())));
        PolicyDocument judged = doc;
        if (!present) {
            List<RuleSet> sets = new ArrayList<>(doc.ruleSetsOrEmpty());
            sets.add(rs);
            judged = doc.withRuleSets(sets);
        }
        return run(judged).about(rs);
    }

    private static Findings run(PolicyDocument doc) {
        Findings out = new Findings();
        DocumentIndex index = new DocumentIndex(doc, out);
        LabelValidator.check(doc, out);
        LabelGroupValidator.check(doc, index, out);
        WorkloadValidator.check(doc, index, out);
        IpListValidator.check(doc, out);
        ServiceValidator.check(doc, out);
        VirtualServiceValidator.check(doc, index, out);
        new RuleSetValidator(index, out).check(doc);
        CoexistenceValidator.check(doc, index, out);
        return out;
    }
}
