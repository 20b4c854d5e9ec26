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
    /**
     * Decision {@code 11}: the published-port judgement (before Docker's DNAT) blocks the connection. Such a
     * connection is dropped before it is confirmed, so this value never reaches a conntrack event; it only carries
     * the deciding rule's index from mangle PREROUTING to the {@code "cordon P <i>"} log.
     */
    static final long BLOCKED = 3;
    public static final String BLOCKED_PREFIX = "cordon D ";
    /**
     * Published ports: the pre-DNAT log of a connection the host's inbound rules block ({@code "cordon P <i>"}, the
     * original destination in its header) and the forward-path log of the same packet when it is dropped after the
     * DNAT ({@code "cordon F"}); {@code PublishedDrops} pairs the two into one {@code "cordon D <i>"} packet.
     */
    public static final String PUBLISHED_PREFIX = "cordon P ";
    public static final String FORWARDED_PREFIX = "cordon F";
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

    /** The mark value the published-port judgement sets where it blocks (never in a confirmed connection). */
    public static long blocked(int index) {
        return BLOCKED << DECISION_SHIFT | (long) clamp(index) << INDEX_SHIFT;
    }

    /** The pre-DNAT NFLOG prefix of a published-port connection rule {@code index} blocks. */
    public static String publishedPrefix(int index) {
        return PUBLISHED_PREFIX + clamp(index);
    }

    /** The rule index of a {@code "cordon P <i>"} prefix, or empty. */
    public static OptionalInt publishedIndex(String prefix) {
        return index(prefix, PUBLISHED_PREFIX);
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
        return index(prefix, BLOCKED_PREFIX);
    }

    private static OptionalInt index(String prefix, String kind) {
        if (prefix == null || !prefix.startsWith(kind)) return OptionalInt.empty();
        String n = prefix.substring(kind.length()).strip();
        if (!n.matches("[0-9]{1,4}")) return OptionalInt.empty();
        return OptionalInt.of(Integer.parseInt(n));
    }

    private static int clamp(int index) {
        if (index < 0) throw new IllegalArgumentException("a rule index is not negative");
        return Math.min(index, OVERFLOW);
    }
}
