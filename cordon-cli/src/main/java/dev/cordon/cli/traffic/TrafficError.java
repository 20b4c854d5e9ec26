package dev.cordon.cli.traffic;

/**
 * A failure of {@code cordon traffic} the user can act on: a stable {@code token}, a message that says what was
 * wrong and how to fix it, and the exit code (2 bad input, 1 the PCE or the query failed). Printed as
 * {@code token: message}, never with a stack trace.
 */
public final class TrafficError extends RuntimeException {
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private final String token;
    private final int exitCode;

    public TrafficError(String token, String message, int exitCode) {
        super(message);
        this.token = token;
        this.exitCode = exitCode;
    }

    static TrafficError badInput(String token, String message) {
        return new TrafficError(token, message, BAD_INPUT);
    }

    static TrafficError failed(String token, String message) {
        return new TrafficError(token, message, FAILED);
    }

    public String token() {
        return token;
    }

    public int exitCode() {
        return exitCode;
    }

    /** {@code token: message}, the CLI's one-line error form. */
    @Override
    public String toString() {
        return token + ": " + getMessage();
    }
}
