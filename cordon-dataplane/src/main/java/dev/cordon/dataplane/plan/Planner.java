package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.plan.Match.Side;
import dev.cordon.dataplane.plan.PlanRule.Verdict;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CustomStatement;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.hash.Sha256;
import dev.cordon.policy.model.EnforcementMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans a {@link FirewallPolicy}: pure, no I/O, no backend syntax; same policy in, same {@link Plan} out. Every
 * backend renders this plan, so what is enforced (and in which order) is decided once, here.
 *
 * <p>Layout (DESIGN.md "Dataplane layout"): {@code CORDON-INPUT}/{@code -OUTPUT}/{@code -FORWARD} at the filter stage
 * hold, in order, loopback and control-plane passes (and IPv6 neighbour discovery, without which IPv6 stops working),
 * the established pass, override-deny, allow, deny, the jump to each custom chain, and the default by mode.
 * {@code CORDON-FORWARD} (routed traffic, not this host's own) applies the mode's default only when exclusive; in
 * coexistence it passes routed traffic on to the other firewalls (container engines own that path).
 *
 * <p>Per-packet cost does not grow with the number of rules: every entry with one protocol, a port (or a small range)
 * and no local-address restriction becomes members (peer block, protocol, port) of one <em>class set</em> per
 * (direction, action class, family), so a whole class is one rule and one hash lookup. Only entries that cannot be
 * expressed that way (all ports, all protocols, ICMP types, local-address restrictions, very large ranges or
 * products) get a rule of their own, matching their peer set (a {@link PlanSet.Kind#PEER} set). A peer set that holds
 * /0 is "any address" and is matched without a set.
 *
 * <p>Stateless allows match without conntrack: the raw stage gets NOTRACK rules for both directions, and the opposite
 * filter chain passes the return direction (addresses and ports swapped).
 */
public final class Planner {
    /** Class-set members one entry may contribute before it gets its own rule instead. */
    static final int MAX_CLASS_MEMBERS_PER_ENTRY = 1 << 18;
    /** Port ranges up to this size are expanded into class-set members. */
    static final int MAX_CLASS_RANGE = 64;

    private enum Dir {
        IN("in", Side.SRC, Side.DST), OUT("out", Side.DST, Side.SRC);

        final String tag;
        final Side peerSide;
        final Side localSide;

        Dir(String tag, Side peerSide, Side localSide) {
            this.tag = tag;
            this.peerSide = peerSide;
            this.localSide = localSide;
        }
    }

    /** An action class: which entries share a class set and what its rule does. */
    private enum Cls {
        OVERRIDE_DENY("od"), ALLOW("al"), STATELESS_ALLOW("sl"), DENY("dn");

        final String tag;

        Cls(String tag) {
            this.tag = tag;
        }

        static Cls of(PolicyEntry e) {
            return switch (e.action()) {
                case OVERRIDE_DENY -> OVERRIDE_DENY;
                case ALLOW -> e.stateless() ? STATELESS_ALLOW : ALLOW;
                case DENY -> DENY;
            };
        }
    }

    private static final String ANY = "";

    private final FirewallPolicy policy;
    private final Family family;
    private final Map<String, PlanSet> sets = new TreeMap<>();
    private final Map<String, AddressSet> byId = new TreeMap<>();

    private Planner(FirewallPolicy policy, Family family) {
        this.policy = policy;
        this.family = family;
        for (AddressSet s : policy.sets()) byId.put(s.id(), s);
    }

    /** Plans the policy. */
    public static Plan plan(FirewallPolicy policy) {
        if (policy.enforcementMode() == EnforcementMode.IDLE) {
            return new Plan(policy.hash(), policy.enforcementMode(), policy.coexistence(), List.of(), List.of());
        }
        List<PlanSet> sets = new ArrayList<>();
        List<PlanTable> tables = new ArrayList<>();
        for (Family f : Family.values()) {
            Planner p = new Planner(policy, f);
            tables.addAll(p.tables());
            sets.addAll(p.sets.values());
        }
        return new Plan(policy.hash(), policy.enforcementMode(), policy.coexistence(), sets, tables);
    }

    /** Name of the chain holding the custom statements of {@code table}/{@code chain}. */
    public static String customChain(String table, String chain) {
        return "CORDON-C-" + table.toUpperCase(Locale.ROOT) + "-" + chain;
    }

    /** Name of the set holding an address set's blocks of one family. */
    public static String peerSetName(String setId, Family f) {
        String id = setId.matches("[A-Za-z0-9_]{1,20}") ? setId : "h" + Sha256.hex(setId, 6);
        return "cordon-" + id + "-" + f.suffix();
    }

    /** Name of the class set of one direction and action class. */
    private String classSetName(Dir d, Cls cls) {
        return "cordon-" + d.tag + "-" + cls.tag + "-" + family.suffix();
    }

    private static PlanRule rule(Match m, Verdict v) {
        return PlanRule.of(m, v);
    }

    private List<PlanTable> tables() {
        EnforcementMode mode = policy.enforcementMode();
        Map<String, List<PlanRule>> filter = new LinkedHashMap<>();
        for (String c : List.of("INPUT", "OUTPUT", "FORWARD")) filter.put("CORDON-" + c, new ArrayList<>());
        List<PlanRule> in = filter.get("CORDON-INPUT");
        List<PlanRule> out = filter.get("CORDON-OUTPUT");
        List<PlanRule> fwd = filter.get("CORDON-FORWARD");
        List<PlanRule> rawPre = new ArrayList<>();
        List<PlanRule> rawOut = new ArrayList<>();

        in.add(rule(new Match.Loopback(true), Verdict.PASS));
        out.add(rule(new Match.Loopback(false), Verdict.PASS));
        for (Endpoint ep : policy.controlPlane()) {
            Cidr c = Cidr.parse(ep.address());
            if (c.family() != family) continue;
            in.add(rule(new Match.ControlPlane(true, c, ep.port()), Verdict.PASS));
            out.add(rule(new Match.ControlPlane(false, c, ep.port()), Verdict.PASS));
        }
        if (family == Family.V6) {
            for (int t = 133; t <= 136; t++) {
                in.add(rule(new Match.NeighbourDiscovery(t), Verdict.PASS));
                out.add(rule(new Match.NeighbourDiscovery(t), Verdict.PASS));
            }
        }
        PlanRule est = rule(new Match.Established(), Verdict.PASS);
        in.add(est);
        out.add(est);
        fwd.add(est);

        boolean visibility = mode == EnforcementMode.VISIBILITY_ONLY;
        Map<Dir, List<PolicyEntry>> entries = Map.of(Dir.IN, policy.inbound(), Dir.OUT, policy.outbound());
        for (Cls cls : Cls.values()) {
            if (visibility && cls == Cls.DENY) continue;
            Verdict target = switch (cls) {
                case OVERRIDE_DENY -> visibility ? Verdict.LOG : Verdict.DROP;
                case ALLOW, STATELESS_ALLOW -> Verdict.PASS;
                case DENY -> Verdict.DROP;
            };
            for (Dir d : Dir.values()) {
                List<PlanRule> chain = d == Dir.IN ? in : out;
                List<PlanRule> returnChain = d == Dir.IN ? out : in;
                List<PlanRule> rawForward = d == Dir.IN ? rawPre : rawOut;
                List<PlanRule> rawReturn = d == Dir.IN ? rawOut : rawPre;
                List<PolicyEntry> own = entries.get(d).stream().filter(e -> Cls.of(e) == cls).toList();
                List<PlanSet.Member> classMembers = new ArrayList<>();
                List<PolicyEntry> single = new ArrayList<>();
                for (PolicyEntry e : own) {
                    if (!classMembers(e, classMembers)) single.add(e);
                }
                if (!classMembers.isEmpty()) {
                    String name = classSetName(d, cls);
                    addSet(name, PlanSet.Kind.CLASS, classMembers);
                    Match forward = new Match.InClassSet(name, d.peerSide, Side.DST);
                    Match reverse = new Match.InClassSet(name, d.localSide, Side.SRC);
                    chain.add(rule(forward, target));
                    if (cls == Cls.STATELESS_ALLOW) {
                        returnChain.add(rule(reverse, Verdict.PASS));
                        rawForward.add(rule(forward, Verdict.NOTRACK));
                        rawReturn.add(rule(reverse, Verdict.NOTRACK));
                    }
                }
                for (PolicyEntry e : single) {
                    Match forward = entryMatch(e, d, false);
                    if (forward == null) continue;
                    chain.add(rule(forward, target));
                    if (cls == Cls.STATELESS_ALLOW) {
                        Match reverse = entryMatch(e, d, true);
                        returnChain.add(rule(reverse, Verdict.PASS));
                        rawForward.add(rule(forward, Verdict.NOTRACK));
                        rawReturn.add(rule(reverse, Verdict.NOTRACK));
                    }
                }
            }
        }

        Map<String, Map<String, List<PlanRule>>> custom = new TreeMap<>();
        for (CustomStatement s : policy.customIptables()) {
            if (s.ipVersion() != Integer.parseInt(family.suffix())) continue;
            custom.computeIfAbsent(s.table(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(s.chain(), k -> new ArrayList<>())
                    .add(rule(new Match.Custom(s.parameters().trim()), Verdict.CUSTOM));
        }
        Map<String, List<PlanRule>> filterCustom = custom.getOrDefault("filter", Map.of());
        Verdict dflt = switch (mode) {
            case FULL -> Verdict.DROP;
            case SELECTIVE, IDLE -> Verdict.PASS;
            case VISIBILITY_ONLY -> null;
        };
        for (String c : List.of("INPUT", "OUTPUT", "FORWARD")) {
            List<PlanRule> rules = filter.get("CORDON-" + c);
            if (filterCustom.containsKey(c)) rules.add(new PlanRule(new Match.Any(), Verdict.JUMP, customChain("filter", c)));
            if (c.equals("FORWARD") && policy.coexistence() != Coexistence.EXCLUSIVE) {
                // Routed traffic is not this host's own: in coexistence it belongs to the other firewalls
                // (containers, routers), so Cordon only passes it on.
                rules.add(rule(new Match.Any(), Verdict.PASS));
            } else if (dflt == null) {
                rules.add(rule(new Match.Any(), Verdict.LOG));
                rules.add(rule(new Match.Any(), Verdict.PASS));
            } else {
                rules.add(rule(new Match.Any(), dflt));
            }
        }

        List<PlanTable> result = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            String table = stage.wire();
            List<PlanChain> chains = new ArrayList<>();
            List<PlanTable.Jump> jumps = new ArrayList<>();
            Map<String, List<PlanRule>> tableCustom = custom.getOrDefault(table, Map.of());
            for (Stage.Hook hook : stage.hooks()) {
                String builtin = hook.name();
                List<PlanRule> own = switch (stage) {
                    case FILTER -> filter.get("CORDON-" + builtin);
                    case RAW -> hook == Stage.Hook.PREROUTING ? rawPre : rawOut;
                    default -> tableCustom.containsKey(builtin)
                            ? List.of(new PlanRule(new Match.Any(), Verdict.JUMP, customChain(table, builtin))) : null;
                };
                if (own == null || own.isEmpty()) continue;
                String name = "CORDON-" + builtin;
                chains.add(new PlanChain(name, own));
                jumps.add(new PlanTable.Jump(hook, name));
            }
            for (Map.Entry<String, List<PlanRule>> c : tableCustom.entrySet()) {
                chains.add(new PlanChain(customChain(table, c.getKey()), c.getValue()));
            }
            if (!chains.isEmpty() || policy.coexistence() == Coexistence.EXCLUSIVE) {
                result.add(new PlanTable(family, stage, chains, jumps));
            }
        }
        return result;
    }

    /** Adds the entry's class-set members; false when the entry needs a rule of its own. */
    private boolean classMembers(PolicyEntry e, List<PlanSet.Member> into) {
        String proto = switch (e.proto()) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            default -> null;
        };
        if (proto == null || e.port() == null || e.localSet() != null) return false;
        int first = e.port();
        int last = e.lastPort();
        if (last - first + 1 > MAX_CLASS_RANGE) return false;
        List<Cidr> peers = peers(e.peerSet());
        long product = (long) peers.size() * (last - first + 1);
        if (product > MAX_CLASS_MEMBERS_PER_ENTRY) return false;
        for (Cidr c : peers) {
            for (Cidr block : c.ipsetBlocks()) {
                for (int p = first; p <= last; p++) into.add(new PlanSet.Member(block, proto, p));
            }
        }
        return true;
    }

    /**
     * The match of an entry's own rule, or null when it cannot match in this family. {@code reverse} gives the
     * return direction of a stateless entry: addresses and ports swapped.
     */
    private Match entryMatch(PolicyEntry e, Dir d, boolean reverse) {
        if (e.proto() == 1 && family == Family.V6) return null;
        if (e.proto() == 58 && family == Family.V4) return null;
        String peer = setMatch(e.peerSet());
        if (peer == null) return null;
        String local = null;
        if (e.localSet() != null) {
            local = setMatch(e.localSet());
            if (local == null) return null;
        }
        Integer first = null;
        Integer last = null;
        if (e.port() != null && (e.proto() == 6 || e.proto() == 17 || e.proto() == 132)) {
            first = e.port();
            last = e.toPort() != null ? e.toPort() : e.port();
        }
        boolean icmp = e.icmpType() != null && (e.proto() == 1 || e.proto() == 58);
        return new Match.Entry(e.proto(), ANY.equals(peer) ? null : peer, reverse ? d.localSide : d.peerSide,
                local == null || ANY.equals(local) ? null : local, reverse ? d.peerSide : d.localSide, first, last,
                reverse ? Side.SRC : Side.DST, icmp ? e.icmpType() : null, icmp ? e.icmpCode() : null, e.rule());
    }

    /** The peer set's name, {@link #ANY} when it holds every address, null when it holds none in this family. */
    private String setMatch(String setId) {
        List<Cidr> cidrs = peers(setId);
        if (cidrs.isEmpty()) return null;
        for (Cidr c : cidrs) {
            if (c.prefix() == 0) return ANY;
        }
        String name = peerSetName(setId, family);
        if (!sets.containsKey(name)) {
            List<PlanSet.Member> members = new ArrayList<>();
            for (Cidr c : cidrs) members.add(PlanSet.Member.peer(c));
            addSet(name, PlanSet.Kind.PEER, members);
        }
        return name;
    }

    private List<Cidr> peers(String setId) {
        AddressSet s = byId.get(setId);
        if (s == null) {
            throw new IllegalArgumentException("the policy of " + policy.workload().name() + " names address set "
                    + setId + " but does not define it: recompile the policy");
        }
        TreeSet<Cidr> out = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        for (String c : family == Family.V4 ? s.v4() : s.v6()) out.add(Cidr.parse(c));
        return new ArrayList<>(out);
    }

    private void addSet(String name, PlanSet.Kind kind, List<PlanSet.Member> members) {
        TreeMap<String, PlanSet.Member> sorted = new TreeMap<>();
        PlanSet.Texts texts = new PlanSet.Texts();
        for (PlanSet.Member m : members) sorted.putIfAbsent(texts.of(m), m);
        sets.put(name, new PlanSet(name, family, kind, new ArrayList<>(sorted.values()), new ArrayList<>(sorted.keySet())));
    }
}
