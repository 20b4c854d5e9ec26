package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.plan.Cidr;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CustomStatement;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.model.EnforcementMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders a {@link FirewallPolicy} into the {@link DesiredState}: pure, no I/O, same policy in, same state out.
 *
 * <p>Layout (DESIGN.md "Dataplane layout"): {@code CORDON-INPUT}/{@code -OUTPUT}/{@code -FORWARD} in filter hold,
 * in order, loopback and control-plane passes (and IPv6 neighbour discovery, without which IPv6 stops working),
 * {@code ESTABLISHED,RELATED} pass, override-deny, allow, deny, the jump to each custom chain, and the default by
 * mode. "Pass" is RETURN when primary, ACCEPT otherwise. {@code CORDON-FORWARD} (routed traffic, not this host's
 * own) applies the mode's default only when exclusive; in coexistence it passes routed traffic on to the other
 * firewalls (container engines own that path).
 *
 * <p>Per-packet cost does not grow with the number of rules: every entry with one protocol, a port (or a small
 * range) and no local-address restriction becomes members {@code peer,proto:port} of one {@code hash:net,port}
 * <em>class set</em> per (direction, action class, family), so a whole class is one rule and one hash lookup.
 * Only entries that cannot be expressed that way (all ports, all protocols, ICMP types, local-address
 * restrictions, very large ranges or products) get a rule of their own, matching their peer set by a
 * {@code hash:net} ipset. A peer set that holds /0 is "any address" and is matched without a set.
 *
 * <p>Stateless allows match without conntrack: the raw table gets NOTRACK rules for both directions, and the
 * opposite filter chain accepts the return direction (ports swapped).
 */
public final class IptablesRenderer {
    /** Class-set members one entry may contribute before it gets its own rule instead. */
    static final int MAX_CLASS_MEMBERS_PER_ENTRY = 1 << 18;
    /** Port ranges up to this size are expanded into class-set members. */
    static final int MAX_CLASS_RANGE = 64;
    static final String LOG_PREFIX = "cordon-pb ";
    static final String LOG = "-m limit --limit 10/min --limit-burst 20 -j LOG --log-prefix \"" + LOG_PREFIX + "\"";

    private enum Dir {
        IN("in", "src", "dst", "--dport", "--sport"), OUT("out", "dst", "src", "--dport", "--sport");

        final String tag;
        final String peerFlag;
        final String localFlag;
        final String localPortOpt;
        final String peerPortOpt;

        Dir(String tag, String peerFlag, String localFlag, String localPortOpt, String peerPortOpt) {
            this.tag = tag;
            this.peerFlag = peerFlag;
            this.localFlag = localFlag;
            this.localPortOpt = localPortOpt;
            this.peerPortOpt = peerPortOpt;
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

    private final FirewallPolicy policy;
    private final Family family;
    private final String pass;
    private final Map<String, SetSpec> sets = new TreeMap<>();
    private final Map<String, AddressSet> byId = new TreeMap<>();

    private IptablesRenderer(FirewallPolicy policy, Family family) {
        this.policy = policy;
        this.family = family;
        this.pass = policy.coexistence() == Coexistence.PRIMARY ? "RETURN" : "ACCEPT";
        for (AddressSet s : policy.sets()) byId.put(s.id(), s);
    }

    /** Renders the policy. */
    public static DesiredState render(FirewallPolicy policy) {
        if (policy.enforcementMode() == EnforcementMode.IDLE) {
            return new DesiredState(policy.hash(), policy.enforcementMode(), policy.coexistence(), List.of(), List.of());
        }
        List<SetSpec> sets = new ArrayList<>();
        List<TableSpec> tables = new ArrayList<>();
        for (Family f : Family.values()) {
            IptablesRenderer r = new IptablesRenderer(policy, f);
            tables.addAll(r.tables());
            sets.addAll(r.sets.values());
        }
        return new DesiredState(policy.hash(), policy.enforcementMode(), policy.coexistence(), sets, tables);
    }

    /** Name of the chain holding the custom statements of {@code table}/{@code chain}. */
    public static String customChain(String table, String chain) {
        return "CORDON-C-" + table.toUpperCase(java.util.Locale.ROOT) + "-" + chain;
    }

    /** Name of the ipset holding an address set's blocks of one family. */
    public static String peerSetName(String setId, Family f) {
        String id = setId.matches("[A-Za-z0-9_]{1,20}") ? setId : "h" + sha(setId).substring(0, 12);
        return "cordon-" + id + "-" + f.suffix();
    }

    private List<TableSpec> tables() {
        EnforcementMode mode = policy.enforcementMode();
        Map<String, List<String>> filter = new LinkedHashMap<>();
        Map<String, List<String>> raw = new LinkedHashMap<>();
        for (String c : List.of("INPUT", "OUTPUT", "FORWARD")) filter.put("CORDON-" + c, new ArrayList<>());
        List<String> in = filter.get("CORDON-INPUT");
        List<String> out = filter.get("CORDON-OUTPUT");
        List<String> fwd = filter.get("CORDON-FORWARD");
        List<String> rawPre = new ArrayList<>();
        List<String> rawOut = new ArrayList<>();

        in.add("-i lo -j " + pass);
        out.add("-o lo -j " + pass);
        for (Endpoint ep : policy.controlPlane()) {
            Cidr c = Cidr.parse(ep.address());
            if (c.family() != family) continue;
            in.add("-s " + c.withPrefix() + " -p tcp -m tcp --sport " + ep.port() + " -j " + pass);
            out.add("-d " + c.withPrefix() + " -p tcp -m tcp --dport " + ep.port() + " -j " + pass);
        }
        if (family == Family.V6) {
            for (int t = 133; t <= 136; t++) {
                in.add("-p ipv6-icmp -m icmp6 --icmpv6-type " + t + " -j " + pass);
                out.add("-p ipv6-icmp -m icmp6 --icmpv6-type " + t + " -j " + pass);
            }
        }
        String est = "-m conntrack --ctstate RELATED,ESTABLISHED -j " + pass;
        in.add(est);
        out.add(est);
        fwd.add(est);

        boolean visibility = mode == EnforcementMode.VISIBILITY_ONLY;
        Map<Dir, List<PolicyEntry>> entries = Map.of(Dir.IN, policy.inbound(), Dir.OUT, policy.outbound());
        for (Cls cls : Cls.values()) {
            if (visibility && cls == Cls.DENY) continue;
            String target = switch (cls) {
                case OVERRIDE_DENY -> visibility ? LOG : "-j DROP";
                case ALLOW, STATELESS_ALLOW -> "-j " + pass;
                case DENY -> "-j DROP";
            };
            for (Dir d : Dir.values()) {
                List<String> chain = d == Dir.IN ? in : out;
                List<String> returnChain = d == Dir.IN ? out : in;
                List<PolicyEntry> own = entries.get(d).stream().filter(e -> Cls.of(e) == cls).toList();
                List<String> classMembers = new ArrayList<>();
                List<PolicyEntry> single = new ArrayList<>();
                for (PolicyEntry e : own) {
                    if (!classMembers(e, classMembers)) single.add(e);
                }
                if (!classMembers.isEmpty()) {
                    String name = "cordon-" + d.tag + "-" + cls.tag + "-" + family.suffix();
                    addSet(name, "hash:net,port", classMembers);
                    String fwdFlags = d.peerFlag + ",dst";
                    String revFlags = d.localFlag + ",src";
                    chain.add("-m set --match-set " + name + " " + fwdFlags + " " + target);
                    if (cls == Cls.STATELESS_ALLOW) {
                        returnChain.add("-m set --match-set " + name + " " + revFlags + " -j " + pass);
                        (d == Dir.IN ? rawPre : rawOut).add("-m set --match-set " + name + " " + fwdFlags
                                + " -j CT --notrack");
                        (d == Dir.IN ? rawOut : rawPre).add("-m set --match-set " + name + " " + revFlags
                                + " -j CT --notrack");
                    }
                }
                for (PolicyEntry e : single) {
                    String fwdMatch = entryMatch(e, d, false);
                    if (fwdMatch == null) continue;
                    chain.add(fwdMatch + target);
                    if (cls == Cls.STATELESS_ALLOW) {
                        String rev = entryMatch(e, d, true);
                        returnChain.add(rev + "-j " + pass);
                        (d == Dir.IN ? rawPre : rawOut).add(fwdMatch + "-j CT --notrack");
                        (d == Dir.IN ? rawOut : rawPre).add(rev + "-j CT --notrack");
                    }
                }
            }
        }

        Map<String, Map<String, List<String>>> custom = new TreeMap<>();
        for (CustomStatement s : policy.customIptables()) {
            if (s.ipVersion() != Integer.parseInt(family.suffix())) continue;
            custom.computeIfAbsent(s.table(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(s.chain(), k -> new ArrayList<>()).add(s.parameters().trim());
        }
        Map<String, List<String>> filterCustom = custom.getOrDefault("filter", Map.of());
        String dflt = switch (mode) {
            case FULL -> "-j DROP";
            case SELECTIVE, IDLE -> "-j " + pass;
            case VISIBILITY_ONLY -> null;
        };
        for (String c : List.of("INPUT", "OUTPUT", "FORWARD")) {
            List<String> rules = filter.get("CORDON-" + c);
            if (filterCustom.containsKey(c)) rules.add("-j " + customChain("filter", c));
            if (c.equals("FORWARD") && policy.coexistence() != Coexistence.EXCLUSIVE) {
                // Routed traffic is not this host's own: in coexistence it belongs to the other firewalls
                // (containers, routers), so Cordon only passes it on.
                rules.add("-j " + pass);
            } else if (dflt == null) {
                rules.add(LOG);
                rules.add("-j " + pass);
            } else {
                rules.add(dflt);
            }
        }

        List<TableSpec> result = new ArrayList<>();
        for (String table : TableSpec.TABLES) {
            List<ChainSpec> chains = new ArrayList<>();
            List<JumpSpec> jumps = new ArrayList<>();
            Map<String, List<String>> tableCustom = custom.getOrDefault(table, Map.of());
            for (String builtin : TableSpec.builtins(table)) {
                List<String> own = switch (table) {
                    case "filter" -> filter.get("CORDON-" + builtin);
                    case "raw" -> builtin.equals("PREROUTING") ? rawPre : rawOut;
                    default -> tableCustom.containsKey(builtin) ? List.of("-j " + customChain(table, builtin)) : null;
                };
                if (own == null || own.isEmpty()) continue;
                String name = "CORDON-" + builtin;
                chains.add(new ChainSpec(name, own));
                jumps.add(new JumpSpec(builtin, name));
            }
            for (Map.Entry<String, List<String>> c : tableCustom.entrySet()) {
                chains.add(new ChainSpec(customChain(table, c.getKey()), c.getValue()));
            }
            if (!chains.isEmpty() || policy.coexistence() == Coexistence.EXCLUSIVE) {
                result.add(new TableSpec(family, table, chains, jumps));
            }
        }
        return result;
    }

    /** Adds the entry's class-set members; false when the entry needs a rule of its own. */
    private boolean classMembers(PolicyEntry e, List<String> into) {
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
                for (int p = first; p <= last; p++) into.add(block + "," + proto + ":" + p);
            }
        }
        return true;
    }

    /**
     * The match part (ending in a space) of an entry's own rule, or null when it cannot match in this family.
     * {@code reverse} gives the return direction of a stateless entry: addresses and ports swapped.
     */
    private String entryMatch(PolicyEntry e, Dir d, boolean reverse) {
        if (e.proto() == 1 && family == Family.V6) return null;
        if (e.proto() == 58 && family == Family.V4) return null;
        StringBuilder sb = new StringBuilder();
        if (e.proto() >= 0) sb.append("-p ").append(protoName(e.proto())).append(' ');
        String peerFlag = reverse ? d.localFlag : d.peerFlag;
        String localFlag = reverse ? d.peerFlag : d.localFlag;
        String peer = setMatch(e.peerSet(), peerFlag);
        if (peer == null) return null;
        sb.append(peer);
        if (e.localSet() != null) {
            String local = setMatch(e.localSet(), localFlag);
            if (local == null) return null;
            sb.append(local);
        }
        if (e.port() != null && (e.proto() == 6 || e.proto() == 17 || e.proto() == 132)) {
            String range = e.toPort() != null && !e.toPort().equals(e.port()) ? e.port() + ":" + e.toPort()
                    : String.valueOf(e.port());
            sb.append("-m ").append(protoName(e.proto())).append(' ')
                    .append(reverse ? d.peerPortOpt : d.localPortOpt).append(' ').append(range).append(' ');
        }
        if (e.icmpType() != null && (e.proto() == 1 || e.proto() == 58)) {
            String type = e.icmpType() + (e.icmpCode() != null ? "/" + e.icmpCode() : "");
            sb.append(e.proto() == 1 ? "-m icmp --icmp-type " : "-m icmp6 --icmpv6-type ").append(type).append(' ');
        }
        if (e.rule() != null) sb.append("-m comment --comment \"rule ").append(e.rule().replace("\"", "")).append("\" ");
        return sb.toString();
    }

    /** A set match for a peer/local set, "" when it holds every address, null when it holds none in this family. */
    private String setMatch(String setId, String flag) {
        List<Cidr> cidrs = peers(setId);
        if (cidrs.isEmpty()) return null;
        for (Cidr c : cidrs) {
            if (c.prefix() == 0) return "";
        }
        String name = peerSetName(setId, family);
        if (!sets.containsKey(name)) {
            List<String> members = new ArrayList<>();
            for (Cidr c : cidrs) members.add(c.toString());
            addSet(name, "hash:net", members);
        }
        return "-m set --match-set " + name + " " + flag + " ";
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

    private void addSet(String name, String type, List<String> members) {
        TreeSet<String> sorted = new TreeSet<>(members);
        sets.put(name, new SetSpec(name, family, type, new ArrayList<>(sorted)));
    }

    private String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            case 1 -> "icmp";
            case 58 -> "ipv6-icmp";
            default -> String.valueOf(proto);
        };
    }

    private static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
