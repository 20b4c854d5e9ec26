package dev.cordon.policy.validate;

import java.util.List;
import java.util.stream.Collectors;

/** Input that cannot be used; carries every {@link ValidationError} found, never a stack trace for the user. */
public class PolicyException extends RuntimeException {
    private final List<ValidationError> errors;

    public PolicyException(List<ValidationError> errors) {
        super(errors.stream().map(ValidationError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public PolicyException(String token, String message) {
        this(List.of(new ValidationError(token, message)));
    }

    public List<ValidationError> errors() {
        return errors;
    }
}
