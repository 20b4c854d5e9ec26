package dev.cordon.ven;

/** The agent cannot go on (e.g. its activation code was refused); the message says what the operator must do. */
public final class AgentException extends RuntimeException {
    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }

    public AgentException(String message) {
        super(message);
    }
}
