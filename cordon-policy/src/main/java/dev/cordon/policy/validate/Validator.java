package dev.cordon.policy.validate;

import dev.cordon.policy.model.PolicyDocument;
import java.util.List;

/** Validates a whole policy document (being written). */
public final class Validator {
    private Validator() {}

    public static List<ValidationError> validate(PolicyDocument doc) {
        return List.of();
    }
}
