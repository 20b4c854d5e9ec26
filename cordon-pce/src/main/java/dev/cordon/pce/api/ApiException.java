package dev.cordon.pce.api;

import dev.cordon.policy.validate.ValidationError;
import java.util.List;

/**
 * Every error a client can cause, as a value: an HTTP status and a list of {@code {token, message}} pairs. Use
 * cases throw these; {@link Routes} maps them to responses in one place, so no handler builds an error body.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final List<ValidationError> errors;

    public ApiException(int status, List<ValidationError> errors) {
        super(errors.isEmpty() ? "status " + status : errors.get(0).toString());
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public List<ValidationError> errors() {
        return errors;
    }

    /** 406: validation or business rule failed. */
    public static ApiException invalid(String token, String message) {
        return new ApiException(406, List.of(new ValidationError(token, message)));
    }

    public static ApiException invalid(List<ValidationError> errors) {
        return new ApiException(406, errors);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, List.of(new ValidationError("not_found", what)));
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, List.of(new ValidationError("authentication_failed", message)));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, List.of(new ValidationError("authorization_failed", message)));
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, List.of(new ValidationError("method_not_allowed", message)));
    }
}
