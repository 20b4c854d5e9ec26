package dev.cordon.policy.validate;

/**
 * One problem with user input: a stable snake_case {@code token} and a {@code message} that names the object
 * (href or name) and says how to fix it. The PCE returns a list of these with status 406.
 */
public record ValidationError(String token, String message) {
    @Override
    public String toString() {
        return token + ": " + message;
    }
}
