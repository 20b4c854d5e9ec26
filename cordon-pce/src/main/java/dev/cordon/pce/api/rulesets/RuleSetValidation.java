package dev.cordon.pce.api.rulesets;

import dev.cordon.policy.Engine;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.validate.ValidationError;
import dev.cordon.policy.validate.Validator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's verdict on one rule set as it would be saved (SPEC §3: "a rule set with an invalid custom rule can be
 * neither saved nor provisioned"). The policy module offers {@code Validator.validateRuleSet(doc, ruleSet)}; builds
 * of it that predate that method are served by validating the draft document with the changed rule set and keeping
 * the errors that name this rule set or one of its rules. The method is looked up once, at class load.
 */
final class RuleSetValidation {
    private static final MethodHandle VALIDATE_RULE_SET = find();

    private RuleSetValidation() {}

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findStatic(Validator.class, "validateRuleSet",
                    MethodType.methodType(List.class, PolicyDocument.class, RuleSet.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** {@code doc} is the draft document in which {@code rs} already replaces its previous version. */
    @SuppressWarnings("unchecked")
    static List<ValidationError> validate(PolicyDocument doc, RuleSet rs) {
        if (VALIDATE_RULE_SET != null) {
            try {
                return (List<ValidationError>) VALIDATE_RULE_SET.invoke(doc, rs);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        List<String> names = new ArrayList<>();
        names.add(rs.href());
        rs.rulesOrEmpty().forEach(r -> names.add(r.href()));
        rs.denyRulesOrEmpty().forEach(r -> names.add(r.href()));
        rs.ipTablesRulesOrEmpty().forEach(r -> names.add(r.href()));
        if (rs.name() != null) names.add("'" + rs.name() + "'");
        List<ValidationError> out = new ArrayList<>();
        for (ValidationError e : Engine.validate(doc)) {
            if (names.stream().anyMatch(n -> n != null && e.message().contains(n))) out.add(e);
        }
        return out;
    }

}
