package dev.cordon.dataplane.flows;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How Cordon's rules tag a connection with the decision and the deciding rule, so the VEN can report both without
 * logging allowed packets (docs/design/traffic-capture.md).
 *
 * <p>Connection mark bits {@code 0x3fff0000} (bits 16-29; Docker, kube-proxy and Calico's defaults use other bits):
 * bits 28-29 the decision ({@code 01} allowed, {@code 10} potentially blocked), bits 16-27 the rule index of
 * {@link RuleIndex} (0 = the mode's default decided, {@value #OVERFLOW} = an index past the table). Blocked
 * packets never confirm a connection, so they carry no mark: their NFLOG prefix names the index instead,
 * {@code "cordon D <index>"}. Pure.
 */
public final class FlowMark {
    public static final long MASK = 0x3fff0000L;
    public static final int OVERFLOW = 0xfff;
    static final int DECISION_SHIFT = 28;
    static final int INDEX_SHIFT = 16;
    static final long ALLOWED = 1;
    static final long POTENTIALLY_BLOCKED = 2;
    public static final String BLOCKED_PREFIX = "cordon D ";
    /** The NFLOG group Cordon's drop rules log to and the VEN listens on. */
    public static final int NFLOG_GROUP = 1703;

    private FlowMark() {}

    /** A decoded tag: {@code allowed}, {@code potentially_blocked} or {@code blocked}, with the rule index. */
    public record Tag(String decision, int index) {}

    /** The mark value (within {@link #MASK}) an allowing rule sets. */
    public static long allowed(int index) {
        return ALLOWED << DECISION_SHIFT | (long) clamp(index) << INDEX_SHIFT;
    }

    /** The mark value a visibility-only (or selective, outside scope) default sets where full would drop. */
    public static long potentiallyBlocked(int index) {
        return POTENTIALLY_BLOCKED << DECISION_SHIFT | (long) clamp(index) << INDEX_SHIFT;
    }

    /** The iptables {@code --set-xmark value/mask} argument for {@code mark}. */
    public static String xmark(long mark) {
        return String.format("0x%x/0x%x", mark, MASK);
    }

    /** The NFLOG prefix of a drop by rule {@code index} (0: the default). */
    public static String blockedPrefix(int index) {
        return BLOCKED_PREFIX + clamp(index);
    }

    /** The tag in a connection mark, or empty when no Cordon rule decided the connection. */
    public static Optional<Tag> decode(long mark) {
        long d = (mark >> DECISION_SHIFT) & 0x3;
        int index = (int) ((mark >> INDEX_SHIFT) & 0xfff);
        if (d == ALLOWED) return Optional.of(new Tag("allowed", index));
        if (d == POTENTIALLY_BLOCKED) return Optional.of(new Tag("potentially_blocked", index));
        return Optional.empty();
    }

    /** The rule index an NFLOG prefix of Cordon's names, or empty for another program's prefix. */
    public static OptionalInt blockedIndex(String prefix) {
        if (prefix == null || !prefix.startsWith(BLOCKED_PREFIX)) return OptionalInt.empty();
        String n = prefix.substring(BLOCKED_PREFIX.length()).strip();
        if (!n.matches("[0-9]{1,4}")) return OptionalInt.empty();
        return OptionalInt.of(Integer.parseInt(n));
    }

    private static int clamp(int index) {
        if (index < 0) throw new IllegalArgumentException("a rule index is not negative");
        return Math.min(index, OVERFLOW);
    }
}
