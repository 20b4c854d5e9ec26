package dev.cordon.dataplane.plan;

/**
 * What a planned rule matches, as values: each backend writes it in its own syntax. {@link Side} says which address
 * (or port) of the packet a set or port is compared with.
 */
public sealed interface Match {
    /** Which end of the packet: its source or its destination. */
    enum Side { SRC, DST }

    /** Every packet. */
    record Any() implements Match {}

    /** Packets on the loopback interface: arriving ({@code in}) or leaving. */
    record Loopback(boolean in) implements Match {}

    /** TCP to or from a control-plane endpoint (the PCE): from it ({@code in}, source port) or to it. */
    record ControlPlane(boolean in, Cidr address, int port) implements Match {}

    /** An ICMPv6 neighbour-discovery type (133-136), without which IPv6 stops working. */
    record NeighbourDiscovery(int type) implements Match {}

    /** Packets of connections conntrack already knows (established or related). */
    record Established() implements Match {}

    /** A class set: the packet's address on {@code addressSide} with protocol and port on {@code portSide}. */
    record InClassSet(String set, Side addressSide, Side portSide) implements Match {}

    /**
     * One policy entry of its own: protocol ({@code -1} any), the peer set on {@code peerSide} (null: any address),
     * the local set on {@code localSide} (null: no restriction), ports on {@code portSide} (null when the entry has
     * none or the protocol has none), an ICMP type and code (null when none), and the rule href to name it by.
     */
    record Entry(int proto, String peerSet, Side peerSide, String localSet, Side localSide, Integer firstPort,
                 Integer lastPort, Side portSide, Integer icmpType, Integer icmpCode, String rule) implements Match {}

    /** A custom statement of the policy, verbatim in the syntax it was written for (it carries its own target). */
    record Custom(String parameters) implements Match {}
}
