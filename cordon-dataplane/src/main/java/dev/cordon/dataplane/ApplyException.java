package dev.cordon.dataplane;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A policy could not be applied (or Cordon's state removed); the previous state stays in force. Carries the command,
 * the tool's own stderr, and the input line it refused (the restore tools report "line N"; N is mapped back to the
 * text Cordon fed them), so an operator sees which statement failed and why.
 */
public final class ApplyException extends DataplaneException {

    public ApplyException(String what, String command, String stderr, String input) {
        this(what, command, stderr, lineOf(stderr), input);
    }

    /** A refused batch whose tool reports the input line its own way ({@code nft}: "/dev/stdin:17:3-9: Error"). */
    public ApplyException(String what, String command, String stderr, int line, String input) {
        super(message(what, command, stderr, line, textOf(input, line)), command, stderr, line, textOf(input, line));
    }

    private static final Pattern LINE = Pattern.compile("line:?\\s*(\\d+)");

    /** The input line a restore tool names in its error ("line: N"), or 0. */
    public static int lineOf(String stderr) {
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
