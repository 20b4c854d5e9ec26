package dev.cordon.pce.core;

import dev.cordon.policy.validate.ValidationError;
import java.util.List;

/**
 * Every error a client can cause, as a value: an HTTP status and a list of {@code {token, message}} pairs. Use
 * cases throw these; the HTTP layer ({@code api.Routes}) maps them to responses in one place, so no handler builds
 * an error body.
 */
public final class ApiException extends RuntimeException {
    /** Why a credential was refused, for the throttle: no such key, or a key whose secret was wrong. */
    public enum Failure { UNKNOWN_KEY, WRONG_SECRET }

    private final int status;
    private final List<ValidationError> errors;
    private final long retryAfterSeconds;
    private final Failure failure;

    public ApiException(int status, List<ValidationError> errors) {
        this(status, errors, 0, null);
    }

    private ApiException(int status, List<ValidationError> errors, long retryAfterSeconds, Failure failure) {
        super(errors.isEmpty() ? "status " + status : errors.get(0).toString());
        this.status = status;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
        this.failure = failure;
    }

    /** Seconds for a {@code Retry-After} header; 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Set when a credential was wrong (not merely of a suspended VEN or an expired code); null otherwise. */
    public Failure failure() {
        return failure;
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

    /** 401 for a credential that is wrong, which the throttle counts. */
    public static ApiException badCredential(Failure failure, String message) {
        return new ApiException(401, List.of(new ValidationError("authentication_failed", message)), 0, failure);
    }

    /** 429 with a {@code Retry-After}: the client must wait (too many failed authentications). */
    public static ApiException tooManyRequests(String token, String message, long retryAfterSeconds) {
        return new ApiException(429, List.of(new ValidationError(token, message)), retryAfterSeconds, null);
    }

    /** 503 with a {@code Retry-After}: this node is full for now; another node, or this one later, will answer. */
    public static ApiException unavailable(String token, String message, long retryAfterSeconds) {
        return new ApiException(503, List.of(new ValidationError(token, message)), retryAfterSeconds, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, List.of(new ValidationError("authorization_failed", message)));
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, List.of(new ValidationError("method_not_allowed", message)));
    }
}
