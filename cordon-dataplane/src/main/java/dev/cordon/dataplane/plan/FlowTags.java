package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.flows.RuleIndex;
import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which flow tag each planned rule carries (docs/design/traffic-capture.md, "Tagging"), decided once for every
 * backend, so the same rule gets the same decision and rule index under iptables and nftables; each renderer only
 * writes the tag in its syntax, as a rule of its own just before the deciding rule it describes. Pure, immutable.
 *
 * <p>Only rules after {@code ESTABLISHED} in {@code CORDON-INPUT} and {@code CORDON-OUTPUT} are tagged, so a tag
 * sees a connection's first packet only. The tag names what the engine's mode table names (SPEC §3,
 * {@code Oracle.decide}): a pass marks the connection {@code allowed} with its rule (the selective default: rule 0;
 * the visibility-only default: {@code potentially_blocked}, rule 0), a visibility-only override deny marks it
 * {@code potentially_blocked} with its rule, a drop is logged to NFLOG naming its rule. In full mode a deny rule's
 * drop is the default's (index 0: the engine names no rule there, only override denies decide before allows). A
 * class set (one kernel rule for many entries) names no single rule: {@link FlowMark#OVERFLOW}, which the VEN
 * resolves from the policy's entries.
 */
public final class FlowTags {
    /** NFLOG rate limit of every drop's log rule, per rule: packets per second and burst. */
    public static final int LOG_RATE_PER_SECOND = 50;
    public static final int LOG_BURST = 100;
    /** Bytes of each logged packet copied to the VEN: IP and L4 headers. */
    public static final int LOG_SNAPLEN = 128;
    /** Packets the kernel batches per NFLOG message (the VEN's listener also flushes every 0.5 s). */
    public static final int LOG_QUEUE_THRESHOLD = 16;

    /** A flow tag, written by a renderer as one rule before the deciding rule, with the same match. */
    public sealed interface Tag {}

    /**
     * Set the connection mark's {@link FlowMark#MASK} bits to {@code value}, other bits kept, unless a decision is
     * already there ({@link #DECIDED} bits set: the first decision is kept, e.g. a visibility-only override deny's
     * before a later allow's).
     */
    public record Mark(long value) implements Tag {}

    /** Log the packet to NFLOG group {@link FlowMark#NFLOG_GROUP} with {@code prefix}, rate-limited, before the drop. */
    public record LogDrop(String prefix) implements Tag {}

    /** The decision bits of the mark: a connection with any of them set is already decided. */
    public static final long DECIDED = 0x30000000L;

    private final EnforcementMode mode;
    private final RuleIndex index;
    private final Set<String> denies;

    private FlowTags(EnforcementMode mode, RuleIndex index, Set<String> denies) {
        this.mode = mode;
        this.index = index;
        this.denies = Set.copyOf(denies);
    }

    /** The tags of the policy's plan: rule indexes from {@link RuleIndex#of(FirewallPolicy)}. */
    public static FlowTags of(FirewallPolicy p) {
        Set<String> denies = new HashSet<>();
        Stream.concat(p.inbound().stream(), p.outbound().stream()).filter(e -> e.action() == Action.DENY)
                .map(PolicyEntry::rule).filter(r -> r != null).forEach(denies::add);
        return new FlowTags(p.enforcementMode(), RuleIndex.of(p), denies);
    }

    /** Tags for a plan rendered without its policy: decisions exact, no rule named ({@link FlowMark#OVERFLOW}). */
    public static FlowTags unnamed(EnforcementMode mode) {
        return new FlowTags(mode, RuleIndex.EMPTY, Set.of());
    }

    /** The tag before each rule of {@code c}, aligned with {@code c.rules()}. */
    public List<Optional<Tag>> chain(PlanChain c) {
        List<Optional<Tag>> out = new ArrayList<>(c.rules().size());
        boolean tagging = false;
        for (PlanRule r : c.rules()) {
            out.add(tagging ? tag(r) : Optional.empty());
            tagging |= r.match() instanceof Match.Established && !c.name().equals("CORDON-FORWARD");
        }
        return out;
    }

    /** The tag of one rule that sees first packets only (see {@link #chain}). */
    Optional<Tag> tag(PlanRule r) {
        boolean fullDeny = mode == EnforcementMode.FULL
                && (r.match() instanceof Match.Entry e && denies.contains(e.rule())
                || r.match() instanceof Match.InClassSet s && s.set().contains("-dn-"));
        int i = fullDeny || r.match() instanceof Match.Any ? 0
                : r.match() instanceof Match.Entry e ? index.indexOrOverflow(e.rule()) : FlowMark.OVERFLOW;
        return switch (r.verdict()) {
            case PASS -> Optional.of(new Mark(r.match() instanceof Match.Any && mode == EnforcementMode.VISIBILITY_ONLY
                    ? FlowMark.potentiallyBlocked(0) : FlowMark.allowed(i)));
            // the visibility-only default's LOG is followed by its PASS, which tags it
            case LOG -> r.match() instanceof Match.Any ? Optional.empty() : Optional.of(new Mark(FlowMark.potentiallyBlocked(i)));
            case DROP -> Optional.of(new LogDrop(FlowMark.blockedPrefix(i)));
            default -> Optional.empty();
        };
    }
}
