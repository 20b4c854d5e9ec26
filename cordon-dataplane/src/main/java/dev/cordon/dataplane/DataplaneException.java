package dev.cordon.dataplane;

/**
 * The dataplane could not read or change the kernel's state; the message says what to do. When a tool was run and
 * failed, the exception keeps what it said ({@link #command}, {@link #stderr}); {@link ApplyException} adds the input
 * line the tool refused. The VEN reports these fields to the PCE as they are, so there is one exception family for
 * every backend and every caller.
 */
public class DataplaneException extends RuntimeException {
    private final String command;
    private final String stderr;
    private final int line;
    private final String lineText;

    public DataplaneException(String message) {
        this(message, "", "", 0, "");
    }

    /** A tool ran and failed: its command line and its stderr are kept. */
    public DataplaneException(String message, String command, String stderr) {
        this(message, command, stderr, 0, "");
    }

    protected DataplaneException(String message, String command, String stderr, int line, String lineText) {
        super(message);
        this.command = command == null ? "" : command;
        this.stderr = stderr == null ? "" : stderr.strip();
        this.line = line;
        this.lineText = lineText == null ? "" : lineText;
    }

    /** The command that failed, e.g. "iptables-restore -w --noflush"; "" when none ran. */
    public String command() {
        return command;
    }

    /** What the tool printed on stderr; "" when none ran. */
    public String stderr() {
        return stderr;
    }

    /** The 1-based input line the tool refused, or 0 when it did not say. */
    public int line() {
        return line;
    }

    /** The text of that input line, or "" when unknown. */
    public String lineText() {
        return lineText;
    }
}
