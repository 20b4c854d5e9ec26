package dev.cordon.policy.validate;

import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import java.util.HashMap;
import java.util.Map;

/** Labels: a key and a value each, and no two labels with the same (key, value). */
final class LabelValidator {
    private LabelValidator() {}

    static void check(PolicyDocument doc, Findings out) {
        Map<String, Label> byKeyValue = new HashMap<>();
        for (Label l : doc.labelsOrEmpty()) {
            Subject about = Subject.of(Names.label(l));
            boolean hasKey = l.key() != null && !l.key().isBlank();
            boolean hasValue = l.value() != null && !l.value().isBlank();
            if (!hasKey) {
                out.add(about, "label_key_required", "the key is empty; give role, app, env, loc or a key of your own");
            }
            if (!hasValue) {
                out.add(about, "label_value_required", "the value is empty; give it a value, e.g. web");
            }
            if (hasKey && hasValue) {
                // The NUL separator cannot occur in either part, so distinct pairs never collide.
                Label earlier = byKeyValue.putIfAbsent(l.key() + '\0' + l.value(), l);
                if (earlier != null) {
                    out.add(about, "label_key_and_value_must_be_unique", "label " + Names.href(earlier.href())
                            + " is also " + l.key() + "=" + l.value() + "; keep one of them and point references to it");
                }
            }
        }
    }
}
