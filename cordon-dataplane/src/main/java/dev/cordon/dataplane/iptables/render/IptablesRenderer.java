package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.flows.FlowMark;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a {@link Plan} in iptables and ipset terms, the {@link DesiredState}: pure, no I/O, same plan in, same state
 * out. The plan decides what is enforced and in which order; this class only writes it: a stage becomes a table, a
 * peer set a {@code hash:net} ipset, a class set a {@code hash:net,port} ipset, "pass" becomes {@code RETURN} when
 * primary (so the other firewalls still judge the packet) and {@code ACCEPT} otherwise.
 */
public final class IptablesRenderer {
    static final String LOG_PREFIX = "cordon-pb ";
    static final String LOG = "-m limit --limit 10/min --limit-burst 20 -j LOG --log-prefix \"" + LOG_PREFIX + "\"";

    private final String pass;
    private final FlowTags tags;

    private IptablesRenderer(Coexistence c, FlowTags tags) {
        this.pass = c == Coexistence.PRIMARY ? "-j RETURN" : "-j ACCEPT";
        this.tags = tags;
    }

    /** Plans and renders the policy; its rule table numbers the flow tags (docs/design/traffic-capture.md). */
    public static DesiredState render(FirewallPolicy policy) {
        return render(Planner.plan(policy), FlowTags.of(policy));
    }

    /** Renders a plan; flow tags name no rule (index 4095) unless rendered from the policy. */
    public static DesiredState render(Plan plan) {
        return render(plan, FlowTags.unnamed(plan.mode()));
    }

    private static DesiredState render(Plan plan, FlowTags tags) {
        IptablesRenderer r = new IptablesRenderer(plan.coexistence(), tags);
        List<SetSpec> sets = new ArrayList<>();
        for (PlanSet s : plan.sets()) sets.add(set(s));
        List<TableSpec> tables = new ArrayList<>();
        for (Family f : Family.values()) {
            Map<String, List<String>> published = PublishedPortRules.chains(plan, f, tags);
            boolean mangleSeen = false;
            for (PlanTable t : plan.tables(f)) {
                TableSpec spec = r.table(t);
                if (t.stage() == Stage.MANGLE) {
                    spec = withPublished(spec, published);
                    mangleSeen = true;
                } else if (t.stage().ordinal() > Stage.MANGLE.ordinal() && !mangleSeen && !published.isEmpty()) {
                    tables.add(withPublished(new TableSpec(f, Stage.MANGLE.wire(), List.of(), List.of()), published));
                    mangleSeen = true;
                }
                if (plan.coexistence() == Coexistence.PRIMARY) spec = withoutNoOpChains(spec);
                if (!spec.isEmpty() || plan.coexistence() == Coexistence.EXCLUSIVE) tables.add(spec);
            }
        }
        return new DesiredState(plan.policyHash(), plan.mode(), plan.coexistence(), sets, tables);
    }

    /**
     * The table with the published-port chains of {@link PublishedPortRules} in front of the plan's rules of the same
     * chains (custom mangle statements), and their jumps in hook order.
     */
    private static TableSpec withPublished(TableSpec t, Map<String, List<String>> published) {
        if (published.isEmpty()) return t;
        Map<String, List<String>> chains = new LinkedHashMap<>(published);
        for (ChainSpec c : t.chains()) {
            List<String> rules = new ArrayList<>(chains.getOrDefault(c.name(), List.of()));
            rules.addAll(c.rules());
            chains.put(c.name(), rules);
        }
        List<ChainSpec> specs = new ArrayList<>();
        chains.forEach((name, rules) -> specs.add(new ChainSpec(name, rules)));
        List<JumpSpec> jumps = new ArrayList<>();
        for (String builtin : TableSpec.builtins(t.table())) {
            String own = "CORDON-" + builtin;
            if (!chains.containsKey(own)) continue;
            // a chain of published-port rules alone acts on a connection's first packet only (the mark it tests is
            // set, and the tag it clears is set, on that packet): every later packet skips the jump and its rules,
            // which costs what the minimal stateful firewall costs; custom mangle statements see every packet
            boolean onlyPublished = t.chains().stream().noneMatch(c -> c.name().equals(own) && !c.rules().isEmpty());
            jumps.add(new JumpSpec(builtin, own, onlyPublished ? JumpSpec.NEW : ""));
        }
        return new TableSpec(t.family(), t.table(), specs, jumps);
    }

    /**
     * Primary only: filter {@code CORDON-FORWARD} whose every rule returns (coexistence passes routed traffic on,
     * and no custom FORWARD statement) decides nothing, so it and its jump are left out. Docker inserts its jumps at
     * the top of FORWARD at every daemon start; a Cordon jump there would be pushed off first place each time, and
     * that is neither tampering nor worth a repair. Published ports are judged in mangle ({@link PublishedPortRules}).
     */
    private static TableSpec withoutNoOpChains(TableSpec t) {
        List<String> noOp = new ArrayList<>();
        for (JumpSpec j : t.jumps()) {
            if (!t.table().equals("filter") || !j.builtin().equals("FORWARD")) continue;
            t.chains().stream().filter(c -> c.name().equals(j.target())).findFirst()
                    .filter(c -> c.rules().stream().allMatch(x -> x.endsWith("-j RETURN")))
                    .ifPresent(c -> noOp.add(c.name()));
        }
        if (noOp.isEmpty()) return t;
        return new TableSpec(t.family(), t.table(),
                t.chains().stream().filter(c -> !noOp.contains(c.name())).toList(),
                t.jumps().stream().filter(j -> !noOp.contains(j.target())).toList());
    }

    private static SetSpec set(PlanSet s) {
        String type = s.kind() == PlanSet.Kind.PEER ? "hash:net" : "hash:net,port";
        // the plan's member texts are exactly the form ipset prints (Cidr.toString), so they are the members as is
        return new SetSpec(s.name(), s.family(), type, s.texts());
    }

    private TableSpec table(PlanTable t) {
        List<ChainSpec> chains = new ArrayList<>();
        for (PlanChain c : t.chains()) {
            List<String> rules = new ArrayList<>(c.rules().size());
            List<Optional<FlowTags.Tag>> chainTags = tags.chain(c);
            for (int i = 0; i < c.rules().size(); i++) {
                PlanRule r = c.rules().get(i);
                chainTags.get(i).ifPresent(tag -> rules.add(tag(r, tag)));
                rules.add(rule(r));
            }
            chains.add(new ChainSpec(c.name(), rules));
        }
        List<JumpSpec> jumps = new ArrayList<>();
        for (PlanTable.Jump j : t.jumps()) jumps.add(new JumpSpec(j.hook().name(), j.chain()));
        return new TableSpec(t.family(), t.stage().wire(), chains, jumps);
    }

    /** The rule text after {@code -A CHAIN }: the match (ending in a space, or empty), then the target. */
    String rule(PlanRule r) {
        return match(r.match()) + switch (r.verdict()) {
            case PASS -> pass;
            case DROP -> "-j DROP";
            case LOG -> LOG;
            case NOTRACK -> "-j CT --notrack";
            case JUMP -> "-j " + r.jumpTo();
            case CUSTOM -> "";
        };
    }

    /** A flow tag ({@link FlowTags}) as an iptables rule with the deciding rule's match. */
    static String tag(PlanRule r, FlowTags.Tag tag) {
        if (tag instanceof FlowTags.Mark m) {
            return match(r.match()) + "-m connmark --mark 0x0/" + String.format("0x%x", FlowTags.DECIDED)
                    + " -j CONNMARK --set-xmark " + FlowMark.xmark(m.value());
        }
        FlowTags.LogDrop d = (FlowTags.LogDrop) tag;
        return match(r.match()) + "-m limit --limit " + FlowTags.LOG_RATE_PER_SECOND + "/sec --limit-burst "
                + FlowTags.LOG_BURST + " -j NFLOG --nflog-prefix \"" + d.prefix() + "\" --nflog-group "
                + FlowMark.NFLOG_GROUP + " --nflog-size " + FlowTags.LOG_SNAPLEN + " --nflog-threshold "
                + FlowTags.LOG_QUEUE_THRESHOLD;
    }

    static String match(Match m) {
        if (m instanceof Match.Any) return "";
        if (m instanceof Match.Loopback l) return l.in() ? "-i lo " : "-o lo ";
        if (m instanceof Match.ControlPlane c) {
            return c.in() ? "-s " + c.address().withPrefix() + " -p tcp -m tcp --sport " + c.port() + " "
                    : "-d " + c.address().withPrefix() + " -p tcp -m tcp --dport " + c.port() + " ";
        }
        if (m instanceof Match.NeighbourDiscovery n) return "-p ipv6-icmp -m icmp6 --icmpv6-type " + n.type() + " ";
        if (m instanceof Match.Established) return "-m conntrack --ctstate RELATED,ESTABLISHED ";
        if (m instanceof Match.InClassSet s) {
            return "-m set --match-set " + s.set() + " " + side(s.addressSide()) + "," + side(s.portSide()) + " ";
        }
        if (m instanceof Match.Entry e) return entry(e);
        if (m instanceof Match.Custom c) return c.parameters();
        throw new IllegalArgumentException("no iptables form for " + m);
    }

    private static String entry(Match.Entry e) {
        StringBuilder sb = new StringBuilder();
        if (e.proto() >= 0) sb.append("-p ").append(protoName(e.proto())).append(' ');
        if (e.peerSet() != null) sb.append("-m set --match-set ").append(e.peerSet()).append(' ').append(side(e.peerSide())).append(' ');
        if (e.localSet() != null) sb.append("-m set --match-set ").append(e.localSet()).append(' ').append(side(e.localSide())).append(' ');
        if (e.firstPort() != null) {
            String range = e.firstPort().equals(e.lastPort()) ? String.valueOf(e.firstPort()) : e.firstPort() + ":" + e.lastPort();
            sb.append("-m ").append(protoName(e.proto())).append(' ')
                    .append(e.portSide() == Match.Side.DST ? "--dport" : "--sport").append(' ').append(range).append(' ');
        }
        if (e.icmpType() != null) {
            String type = e.icmpType() + (e.icmpCode() != null ? "/" + e.icmpCode() : "");
            sb.append(e.proto() == 1 ? "-m icmp --icmp-type " : "-m icmp6 --icmpv6-type ").append(type).append(' ');
        }
        if (e.rule() != null) sb.append("-m comment --comment \"rule ").append(e.rule().replace("\"", "")).append("\" ");
        return sb.toString();
    }

    private static String side(Match.Side s) {
        return s.name().toLowerCase(Locale.ROOT);
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
