package dev.cordon.dataplane.nftables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.flows.FlowMark;
import dev.cordon.dataplane.plan.Cidr;
import dev.cordon.dataplane.plan.FlowTags;
import dev.cordon.dataplane.plan.Match;
import dev.cordon.dataplane.plan.Plan;
import dev.cordon.dataplane.plan.PlanChain;
import dev.cordon.dataplane.plan.PlanRule;
import dev.cordon.dataplane.plan.PlanSet;
import dev.cordon.dataplane.plan.PlanTable;
import dev.cordon.dataplane.plan.Planner;
import dev.cordon.dataplane.plan.Stage;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders a {@link Plan} in nftables terms, the {@link NftDesired}: pure, same plan in, same state out. The plan
 * decides what is enforced and in which order; this class writes it as one table per family ({@code ip cordon},
 * {@code ip6 cordon}: the plan, like kube-proxy and Calico, is per family, and no nft set holds both families):
 *
 * <ul>
 *   <li>a peer set becomes an interval set of {@code ipv4_addr}; a class set a hash set of
 *       {@code ipv4_addr . inet_proto . inet_service} for its single addresses and an interval set of the same type
 *       ({@code -net}) for its CIDR blocks, each matched with one lookup of {@code ip saddr . meta l4proto . th dport};
 *       a hash lookup costs the same whatever the number of elements, so the per-packet cost stays flat as entries
 *       and peers grow (the interval set's cost grows with its blocks: see {@link #sets});</li>
 *   <li>a connection the base chain's first rule finds established or related is accepted there;</li>
 *   <li>elements an element of the same set already covers are left out (nft refuses overlapping intervals);</li>
 *   <li>each Cordon chain of the plan becomes a regular chain of the same name; each hook jump a base chain
 *       ({@code filter-input}, {@code raw-prerouting}, ...) at a priority chosen by the coexistence state:
 *       raw stage {@value #RAW_PRIORITY} (before conntrack and iptables-nft's raw); filter stage
 *       {@value #FIRST_PRIORITY} when exclusive or primary (before iptables-nft, Docker and firewalld at 0 and 10),
 *       {@value #LAST_PRIORITY} when not primary (after them);</li>
 *   <li>"pass" is {@code accept}: in nftables accept ends only Cordon's base chain and the packet goes on to the
 *       other firewalls' base chains, which is what primary asks for; drop is final everywhere;</li>
 *   <li>not primary: the filter base chains first accept packets that do not carry {@link PassMark#BIT} (packets an
 *       iptables-nft chain accepted never reach its last rule, which sets it), clear the bit, then enter Cordon's
 *       chain;</li>
 *   <li>custom iptables statements are refused (listed in {@link NftDesired#refused()}), never approximated;</li>
 *   <li>the flow tags of {@link FlowTags} (the same as the iptables render's, rule for rule): {@code ct mark set}
 *       with a pass or a visibility-only log, {@code log group} with a drop; a deciding rule with a tag matches once
 *       and jumps to the tag's chain ({@link NftDecisions}), which tags and gives the verdict.</li>
 * </ul>
 */
public final class NftRenderer {
    static final String LOG = "limit rate 10/minute burst 20 packets log prefix \"cordon-pb \"";
    public static final int RAW_PRIORITY = -310;
    public static final int FIRST_PRIORITY = -5;
    public static final int LAST_PRIORITY = 20;

    private final Family family;
    private final String ip;

    /** Class set name -> the names of its nft parts, in rule order ({@link #sets}). */
    private final Map<String, List<String>> classParts = new HashMap<>();
    /** The tag chains deciding rules of this family's table jump to. */
    final NftDecisions decisions = new NftDecisions();

    private NftRenderer(Family family) {
        this.family = family;
        this.ip = family == Family.V4 ? "ip" : "ip6";
    }

    /** Plans and renders the policy; its rule table numbers the flow tags (docs/design/traffic-capture.md). */
    public static NftDesired render(FirewallPolicy policy) {
        return render(Planner.plan(policy), FlowTags.of(policy));
    }

    /** Renders a plan; flow tags name no rule (index 4095) unless rendered from the policy. */
    public static NftDesired render(Plan plan) {
        return render(plan, FlowTags.unnamed(plan.mode()));
    }

    private static NftDesired render(Plan plan, FlowTags tags) {
        List<NftTable> tables = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Family f : Family.values()) {
            List<PlanTable> pts = plan.tables(f);
            if (pts.isEmpty()) continue;
            NftRenderer r = new NftRenderer(f);
            List<NftSet> sets = new ArrayList<>();
            for (PlanSet s : plan.sets()) if (s.family() == f) sets.addAll(r.sets(s));
            List<NftChain> chains = new ArrayList<>();
            List<NftChain> bases = new ArrayList<>();
            for (PlanTable t : pts) {
                for (PlanChain c : t.chains()) {
                    if (c.name().startsWith("CORDON-C-")) {
                        for (PlanRule rule : c.rules()) {
                            if (rule.match() instanceof Match.Custom cu) {
                                refused.add(f.display() + " " + t.stage().wire() + "/"
                                        + c.name().substring(("CORDON-C-" + t.stage().wire() + "-").length()) + ": "
                                        + cu.parameters());
                            }
                        }
                        continue;
                    }
                    if (t.stage() != Stage.FILTER && t.stage() != Stage.RAW) continue;
                    List<String> rules = new ArrayList<>();
                    List<Optional<FlowTags.Tag>> chainTags = tags.chain(c);
                    for (int i = 0; i < c.rules().size(); i++) {
                        PlanRule rule = c.rules().get(i);
                        if (rule.verdict() == PlanRule.Verdict.JUMP && rule.jumpTo().startsWith("CORDON-C-")) continue;
                        Optional<FlowTags.Tag> tag = chainTags.get(i);
                        if (tag.isEmpty()) {
                            rules.addAll(r.rules(rule));
                        } else if (rule.match() instanceof Match.Any) {
                            // nothing to look up twice: the tag, then the verdict
                            rules.add(r.tag(rule, tag.get()));
                            rules.addAll(r.rules(rule));
                        } else {
                            rules.addAll(r.decide(rule, tag.get()));
                        }
                    }
                    chains.add(new NftChain(chainName(t.stage(), c.name()), null, null, rules));
                }
                if (t.stage() != Stage.FILTER && t.stage() != Stage.RAW) continue;
                for (PlanTable.Jump j : t.jumps()) {
                    String hook = j.hook().name().toLowerCase(Locale.ROOT);
                    List<String> rules = new ArrayList<>();
                    int prio;
                    if (t.stage() == Stage.RAW) {
                        prio = RAW_PRIORITY;
                    } else if (plan.coexistence() == Coexistence.NOT_PRIMARY) {
                        prio = LAST_PRIORITY;
                        rules.add("meta mark & " + PassMark.hex(PassMark.BIT) + " == 0 accept");
                        rules.add("meta mark set meta mark & " + PassMark.hex(~PassMark.BIT));
                    } else {
                        prio = FIRST_PRIORITY;
                    }
                    // Most packets belong to known connections: accepted at the first rule, before the jump and
                    // before the loopback and control-plane passes (the plan's own established pass, the same
                    // verdict, stays in the chain for the packets that reach it). Raw runs before conntrack.
                    if (t.stage() == Stage.FILTER && planPassesEstablished(t, j.chain())) rules.add(ESTABLISHED);
                    rules.add("jump " + chainName(t.stage(), j.chain()));
                    bases.add(new NftChain(t.stage().wire() + "-" + hook, hook, prio, rules));
                }
            }
            List<NftChain> published = NftPublishedPorts.chains(r, plan, f, tags);
            List<NftChain> out = new ArrayList<>(r.decisions.chains());
            out.addAll(chains);
            out.addAll(published);
            out.addAll(bases);
            tables.add(new NftTable(f, sets, out));
        }
        return new NftDesired(plan.policyHash(), plan.mode(), plan.coexistence(), tables, refused);
    }

    static final String ESTABLISHED = "ct state established,related accept";

    /** True when the plan chain {@code chain} of {@code t} passes established connections (so its base chain may). */
    private static boolean planPassesEstablished(PlanTable t, String chain) {
        return t.chains().stream().filter(c -> c.name().equals(chain)).flatMap(c -> c.rules().stream())
                .anyMatch(x -> x.match() instanceof Match.Established && x.verdict() == PlanRule.Verdict.PASS);
    }

    /**
     * A deciding rule with its flow tag, one lookup: the match jumps to the tag's chain ({@link NftDecisions}), which
     * tags and gives the verdict. One rule per part of a class set.
     */
    List<String> decide(PlanRule rule, FlowTags.Tag tag) {
        String chain = decisions.chain(tag, rule.verdict());
        return rules(new PlanRule(rule.match(), PlanRule.Verdict.JUMP, chain));
    }

    /**
     * A plan chain's name in Cordon's table: the filter stage's as is; other stages' with the stage in the name, since
     * one nft table holds every stage (raw's {@code CORDON-OUTPUT} becomes {@code CORDON-RAW-OUTPUT}).
     */
    static String chainName(Stage stage, String planName) {
        if (stage == Stage.FILTER) return planName;
        return "CORDON-" + stage.name() + "-" + planName.substring("CORDON-".length());
    }

    /**
     * The nft sets of a plan set. A peer set is one interval set. A class set is split by the shape of its members:
     * single addresses go into a plain hash set of the set's name (one hash lookup, whatever its size), CIDR blocks
     * into an interval set named {@code <name>-net} (the kernel's pipapo backend, whose lookup cost grows with its
     * number of elements: it is a bit-parallel walk over them). Either is left out when it has no elements; the
     * class set's rule is rendered once per part ({@link #rules}). Blocks another block of the same protocol and port
     * covers are left out.
     */
    List<NftSet> sets(PlanSet s) {
        String addr = s.family() == Family.V4 ? "ipv4_addr" : "ipv6_addr";
        if (s.kind() != PlanSet.Kind.CLASS) {
            List<String> elements = new ArrayList<>(s.members().size());
            for (PlanSet.Member m : withoutCovered(s.members())) elements.add(m.block().toString());
            return List.of(new NftSet(s.name(), addr, true, elements));
        }
        List<String> hosts = new ArrayList<>();
        List<String> nets = new ArrayList<>();
        for (PlanSet.Member m : withoutCovered(s.members())) {
            String e = m.block() + " . " + m.proto() + " . " + m.port();
            (m.block().prefix() == m.block().maxPrefix() ? hosts : nets).add(e);
        }
        String type = addr + " . inet_proto . inet_service";
        List<NftSet> out = new ArrayList<>(2);
        List<String> parts = new ArrayList<>(2);
        if (!hosts.isEmpty()) {
            out.add(new NftSet(s.name(), type, false, hosts));
            parts.add(s.name());
        }
        if (!nets.isEmpty()) {
            out.add(new NftSet(s.name() + NET_SUFFIX, type, true, nets));
            parts.add(s.name() + NET_SUFFIX);
        }
        classParts.put(s.name(), parts);
        return out;
    }

    /** The name suffix of a class set's interval part (its CIDR blocks). */
    public static final String NET_SUFFIX = "-net";

    /**
     * The members no other member of the same protocol and port covers with a shorter block: an interval set
     * holds each address once, and the kernel refuses overlapping intervals. Order is kept.
     */
    static List<PlanSet.Member> withoutCovered(List<PlanSet.Member> members) {
        Map<String, Set<String>> blocks = new HashMap<>();
        Map<String, TreeSet<Integer>> prefixes = new HashMap<>();
        for (PlanSet.Member m : members) {
            String key = m.proto() + ":" + m.port();
            blocks.computeIfAbsent(key, k -> new HashSet<>()).add(m.block().toString());
            prefixes.computeIfAbsent(key, k -> new TreeSet<>()).add(m.block().prefix());
        }
        List<PlanSet.Member> out = new ArrayList<>(members.size());
        for (PlanSet.Member m : members) {
            String key = m.proto() + ":" + m.port();
            boolean covered = false;
            for (int p : prefixes.get(key).headSet(m.block().prefix())) {
                if (blocks.get(key).contains(truncate(m.block(), p).toString())) {
                    covered = true;
                    break;
                }
            }
            if (!covered) out.add(m);
        }
        return out;
    }

    private static Cidr truncate(Cidr c, int prefix) {
        byte[] b = c.bytes().clone();
        for (int i = prefix; i < b.length * 8; i++) b[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        return new Cidr(c.family(), b, prefix);
    }

    /**
     * A plan rule in nft syntax, the match then the verdict: one rule, or for a class set one per part of it
     * ({@link #sets}: the hash set of single addresses, then the interval set of blocks); none for a class set whose
     * parts are both empty.
     */
    List<String> rules(PlanRule r) {
        if (r.match() instanceof Match.InClassSet s) {
            List<String> out = new ArrayList<>(2);
            for (String part : classParts.getOrDefault(s.set(), List.of(s.set()))) {
                out.add(rule(new PlanRule(new Match.InClassSet(part, s.addressSide(), s.portSide()), r.verdict(), r.jumpTo())));
            }
            return out;
        }
        return List.of(rule(r));
    }

    /** One rule in nft syntax: the match, then the verdict. */
    String rule(PlanRule r) {
        String m = match(r.match());
        String v = verdict(r);
        String comment = r.match() instanceof Match.Entry e && e.rule() != null
                ? " comment \"rule " + e.rule().replace("\"", "") + "\"" : "";
        return (m.isEmpty() ? "" : m + " ") + v + comment;
    }

    /** A verdict (and its statement) in nft syntax, without a match. */
    static String verdict(PlanRule r) {
        return switch (r.verdict()) {
            case PASS -> "accept";
            case DROP -> "drop";
            case LOG -> LOG;
            case NOTRACK -> "notrack";
            case JUMP -> "jump " + r.jumpTo();
            case CUSTOM -> throw new IllegalArgumentException("custom statements are refused before rendering");
        };
    }

    /**
     * A flow tag ({@link FlowTags}) as an nft rule with the deciding rule's match: the mark sets only
     * {@link FlowMark#MASK}'s bits and only on a connection no Cordon rule decided yet; the log feeds the VEN's NFLOG
     * listener exactly as iptables' {@code NFLOG} target does (same group, prefix, copy size and batching).
     */
    String tag(PlanRule r, FlowTags.Tag tag) {
        String m = match(r.match());
        return (m.isEmpty() ? "" : m + " ") + tagStatement(tag);
    }

    /** A flow tag's statement, without a match. */
    static String tagStatement(FlowTags.Tag tag) {
        if (tag instanceof FlowTags.Mark mark) {
            return "ct mark & " + hex(FlowTags.DECIDED) + " == 0 ct mark set ct mark & " + hex(~FlowMark.MASK)
                    + " | " + hex(mark.value());
        }
        FlowTags.LogDrop d = (FlowTags.LogDrop) tag;
        return "limit rate " + FlowTags.LOG_RATE_PER_SECOND + "/second burst " + FlowTags.LOG_BURST
                + " packets log prefix \"" + d.prefix() + "\" group " + FlowMark.NFLOG_GROUP + " snaplen "
                + FlowTags.LOG_SNAPLEN + " queue-threshold " + FlowTags.LOG_QUEUE_THRESHOLD;
    }

    static String hex(long v) {
        return String.format("0x%08x", v & 0xffffffffL);
    }

    private String match(Match m) {
        if (m instanceof Match.Any) return "";
        if (m instanceof Match.Loopback l) return l.in() ? "iifname \"lo\"" : "oifname \"lo\"";
        if (m instanceof Match.ControlPlane c) {
            return c.in() ? ip + " saddr " + c.address() + " tcp sport " + c.port()
                    : ip + " daddr " + c.address() + " tcp dport " + c.port();
        }
        if (m instanceof Match.NeighbourDiscovery n) return "icmpv6 type " + n.type();
        if (m instanceof Match.Established) return "ct state established,related";
        if (m instanceof Match.InClassSet s) {
            return ip + " " + side(s.addressSide()) + "addr . meta l4proto . th " + side(s.portSide()) + "port @" + s.set();
        }
        if (m instanceof Match.Entry e) return entry(e);
        throw new IllegalArgumentException("no nftables form for " + m);
    }

    private String entry(Match.Entry e) {
        List<String> parts = new ArrayList<>();
        if (e.proto() >= 0 && e.firstPort() == null) parts.add("meta l4proto " + protoName(e.proto()));
        if (e.peerSet() != null) parts.add(ip + " " + side(e.peerSide()) + "addr @" + e.peerSet());
        if (e.localSet() != null) parts.add(ip + " " + side(e.localSide()) + "addr @" + e.localSet());
        if (e.firstPort() != null) {
            String range = e.firstPort().equals(e.lastPort()) ? String.valueOf(e.firstPort()) : e.firstPort() + "-" + e.lastPort();
            parts.add(protoName(e.proto()) + " " + side(e.portSide()) + "port " + range);
        }
        if (e.icmpType() != null) {
            String icmp = e.proto() == 1 ? "icmp" : "icmpv6";
            parts.add(icmp + " type " + e.icmpType());
            if (e.icmpCode() != null) parts.add(icmp + " code " + e.icmpCode());
        }
        return String.join(" ", parts);
    }

    private static String side(Match.Side s) {
        return s == Match.Side.SRC ? "s" : "d";
    }

    private static String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            case 1 -> "icmp";
            case 58 -> "ipv6-icmp";
            default -> String.valueOf(proto);
        };
    }
}
