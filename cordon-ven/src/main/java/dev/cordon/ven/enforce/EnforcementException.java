package dev.cordon.ven.enforce;

/**
 * The host firewall refused a change, or its tools could not run. The previous state stays in force. Carries what
 * the kernel said ({@code command}, {@code stderr}, the refused input line) so the PCE's events and the VEN's sync
 * status show the operator exactly which statement failed.
 */
public final class EnforcementException extends RuntimeException {
    private final String command;
    private final String stderr;
    private final int line;
    private final String lineText;

    public EnforcementException(String message, String command, String stderr, int line, String lineText, Throwable cause) {
        super(message, cause);
        this.command = command == null ? "" : command;
        this.stderr = stderr == null ? "" : stderr;
        this.line = line;
        this.lineText = lineText == null ? "" : lineText;
    }

    public EnforcementException(String message) {
        this(message, "", "", 0, "", null);
    }

    public String command() {
        return command;
    }

    public String stderr() {
        return stderr;
    }

    public int line() {
        return line;
    }

    public String lineText() {
        return lineText;
    }
}
