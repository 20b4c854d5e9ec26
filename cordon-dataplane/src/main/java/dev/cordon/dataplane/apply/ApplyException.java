package dev.cordon.dataplane.apply;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy could not be applied; the previous state stays in force. Carries the command, the tool's own stderr,
 * and the input line it refused (iptables-restore and ipset restore report "line N"; N is mapped back to the
 * text Cordon fed them), so an operator sees which statement failed and why.
 */
public final class ApplyException extends DataplaneException {
    private final String command;
    private final String stderr;
    private final int line;
    private final String lineText;

    public ApplyException(String what, String command, String stderr, String input) {
        this(what, command, stderr, lineOf(stderr), input);
    }

    private ApplyException(String what, String command, String stderr, int line, String input) {
        super(message(what, command, stderr, line, textOf(input, line)));
        this.command = command;
        this.stderr = stderr.strip();
        this.line = line;
        this.lineText = textOf(input, line);
    }

    /** The command that failed, e.g. "iptables-restore -w --noflush". */
    public String command() {
        return command;
    }

    /** What the tool printed on stderr. */
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

    private static final Pattern LINE = Pattern.compile("line:?\\s*(\\d+)");

    static int lineOf(String stderr) {
        Matcher m = LINE.matcher(stderr);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static String textOf(String input, int line) {
        if (line <= 0 || input == null) return "";
        String[] lines = input.split("\n", -1);
        return line <= lines.length ? lines[line - 1] : "";
    }

    private static String message(String what, String command, String stderr, int line, String text) {
        StringBuilder sb = new StringBuilder(what).append(": `").append(command).append("` failed");
        if (line > 0) sb.append(" at input line ").append(line).append(" `").append(text).append('`');
        sb.append(": ").append(stderr.strip().replace('\n', ' '));
        sb.append(". The previous policy stays in force; fix or remove the offending statement and apply again.");
        return sb.toString();
    }
}
