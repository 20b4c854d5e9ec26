package dev.cordon.pce.traffic.generator;

import java.util.List;

/**
 * What the generator proposes for an app group: allow rules (for the group's rule set, scoped to the group), the IP
 * lists they name for unmanaged peers, the flows no rule of the group can cover and why, and the coverage of the
 * group's observed connections by the draft before and with the proposal.
 */
public record Proposal(AppGroup group, List<Rule> rules, List<IpList> ipLists, List<Uncovered> uncovered,
                       Coverage before, Coverage after) {
    public Proposal {
        rules = List.copyOf(rules);
        ipLists = List.copyOf(ipLists);
        uncovered = List.copyOf(uncovered);
    }

    /** An actor of a proposed rule: a label or workload by href, or an IP list of this proposal by its index. */
    public record Actor(String kind, String ref) {
        static Actor label(String href) {
            return new Actor("label", href);
        }

        static Actor workload(String href) {
            return new Actor("workload", href);
        }

        static Actor ipList(int index) {
            return new Actor("ip_list", Integer.toString(index));
        }
    }

    /**
     * One proposed allow rule. {@code kind}: {@code intra_scope} (both ends in the group), {@code extra_scope}
     * (consumers are workloads of other groups: {@code unscoped_consumers}), {@code unmanaged_consumers} (an IP list of
     * the unmanaged addresses that connected), {@code unmanaged_providers} (an IP list of the unmanaged addresses the
     * group connected to). {@code flows} and {@code connections}: what it covers.
     */
    public record Rule(String kind, List<Actor> providers, List<Actor> consumers, boolean unscopedConsumers,
                       List<PortRange> services, int flows, long connections) {
        public Rule {
            providers = List.copyOf(providers);
            consumers = List.copyOf(consumers);
            services = List.copyOf(services);
        }
    }

    /** An IP list the proposal creates: a name and the peer addresses. */
    public record IpList(String name, List<String> addresses) {
        public IpList {
            addresses = List.copyOf(addresses);
        }
    }

    /** A flow the group's rule set cannot allow, and why. */
    public record Uncovered(ObservedFlow flow, String reason) {}

    /** Connections of the group's observed flows, and how many of them the policy allows. */
    public record Coverage(long connections, long allowed) {
        /** Whole percent, rounded down; 100 when there is nothing to cover. */
        public int percent() {
            return connections == 0 ? 100 : (int) (allowed * 100 / connections);
        }
    }
}
