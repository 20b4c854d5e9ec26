package dev.cordon.dataplane;

import java.util.List;

/** The result of a tamper check: every change found (empty when the kernel matches the snapshot). */
public record TamperReport(List<Change> changes, boolean fullCheck, long nanos) {
    public TamperReport {
        changes = List.copyOf(changes);
    }

    public boolean tampered() {
        return !changes.isEmpty();
    }

    /** One line per change, for events and logs. */
    public String describe() {
        if (changes.isEmpty()) return "no tampering";
        StringBuilder sb = new StringBuilder();
        for (Change c : changes) sb.append(c).append('\n');
        return sb.toString().strip();
    }
}
