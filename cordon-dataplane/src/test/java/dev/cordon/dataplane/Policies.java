package dev.cordon.dataplane;

import dev.cordon.policy.compile.Action;
import dev.cordon.policy.compile.AddressSet;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.CustomStatement;
import dev.cordon.policy.compile.Endpoint;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.compile.PolicyEntry;
import dev.cordon.policy.compile.WorkloadRef;
import dev.cordon.policy.model.EnforcementMode;
import java.util.List;

/** Hand-built firewall policies for tests that must not depend on the engine. */
public final class Policies {
    private Policies() {}

    public static final WorkloadRef WEB = new WorkloadRef("/orgs/1/workloads/web", "web");

    public static PolicyEntry allow(String peer, int proto, Integer port) {
        return new PolicyEntry(Action.ALLOW, peer, null, proto, port, null, null, null, false, "/orgs/1/sec_rules/1", "/orgs/1/rule_sets/1");
    }

    public static PolicyEntry entry(Action a, String peer, int proto, Integer port, Integer toPort, boolean stateless, String rule) {
        return new PolicyEntry(a, peer, null, proto, port, toPort, null, null, stateless, rule, "/orgs/1/rule_sets/1");
    }

    /**
     * A policy touching every rendering feature: all three actions, a stateless allow, all-ports, a port range, ICMP,
     * a local-address restriction, "any" peers (/0), IPv6, a custom statement, a control-plane endpoint.
     */
    public static FirewallPolicy rich(EnforcementMode mode, Coexistence c) {
        List<AddressSet> sets = List.of(
                new AddressSet("sclients", "label role=client", List.of("10.1.0.0/24", "10.1.1.7/32"), List.of("fd00:1::/64")),
                new AddressSet("sany", "ip list Any", List.of("0.0.0.0/0"), List.of("::/0")),
                new AddressSet("sadmin", "ip list admin", List.of("192.0.2.10/32"), List.of()),
                new AddressSet("sme", "this host partly", List.of("10.9.0.1/32"), List.of()));
        List<PolicyEntry> in = List.of(
                entry(Action.OVERRIDE_DENY, "sany", 6, 23, null, false, "/orgs/1/deny_rules/9"),
                entry(Action.ALLOW, "sclients", 6, 443, null, false, "/orgs/1/sec_rules/1"),
                entry(Action.ALLOW, "sclients", 17, 5000, 5003, false, "/orgs/1/sec_rules/2"),
                entry(Action.ALLOW, "sadmin", -1, null, null, false, "/orgs/1/sec_rules/3"),
                new PolicyEntry(Action.ALLOW, "sany", null, 1, null, null, 8, 0, false, "/orgs/1/sec_rules/4", "/orgs/1/rule_sets/1"),
                new PolicyEntry(Action.ALLOW, "sclients", "sme", 6, 8080, null, null, null, false, "/orgs/1/sec_rules/5", "/orgs/1/rule_sets/1"),
                entry(Action.ALLOW, "sclients", 17, 53, null, true, "/orgs/1/sec_rules/6"),
                entry(Action.DENY, "sany", 6, 1, 65535, false, "/orgs/1/deny_rules/1"));
        List<PolicyEntry> out = List.of(
                entry(Action.ALLOW, "sany", 6, 443, null, false, "/orgs/1/sec_rules/7"),
                entry(Action.ALLOW, "sclients", 17, 514, null, true, "/orgs/1/sec_rules/8"));
        List<CustomStatement> custom = List.of(
                new CustomStatement("filter", "INPUT", "-p tcp --dport 2222 -j ACCEPT", 4, "/orgs/1/ip_tables_rules/1"),
                new CustomStatement("nat", "POSTROUTING", "-o eth0 -j MASQUERADE", 4, "/orgs/1/ip_tables_rules/1"),
                new CustomStatement("mangle", "PREROUTING", "-p tcp --dport 22 -j TOS --set-tos 0x10", 6, "/orgs/1/ip_tables_rules/2"));
        return FirewallPolicy.of(WEB, 7, mode, c, sets, in, out, custom, List.of(new Endpoint("192.0.2.1", 8443)));
    }

    /** {@link #rich} without its custom iptables statements (which the nftables backend refuses). */
    public static FirewallPolicy richNoCustom(EnforcementMode mode, Coexistence c) {
        FirewallPolicy p = rich(mode, c);
        return FirewallPolicy.of(p.workload(), 7, p.enforcementMode(), p.coexistence(), p.sets(), p.inbound(), p.outbound(),
                List.of(), p.controlPlane());
    }

    /** Inbound tcp/{@code port} from {@code peer} (one v4 address) allowed; nothing else. */
    public static FirewallPolicy allowOne(String peer, int port, EnforcementMode mode, Coexistence c) {
        return FirewallPolicy.of(WEB, 1, mode, c,
                List.of(new AddressSet("speer", "peer", List.of(peer + "/32"), List.of())),
                List.of(allow("speer", 6, port)), List.of(), List.of(), List.of());
    }
}
