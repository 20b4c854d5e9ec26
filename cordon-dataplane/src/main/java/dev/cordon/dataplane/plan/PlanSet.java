package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import java.util.List;

/**
 * One address set Cordon wants. A {@link Kind#PEER} set holds address blocks (one side of a rule); a
 * {@link Kind#CLASS} set holds (block, protocol, port) members, so that every entry of one action class is one rule
 * and one hash lookup whatever the number of entries. Members are in the order of their {@link Member#toString()}
 * text, without duplicates, so the same policy always gives the same set.
 */
public record PlanSet(String name, Family family, Kind kind, List<Member> members) {
    public PlanSet {
        members = List.copyOf(members);
    }

    /** What a set's members are. */
    public enum Kind { PEER, CLASS }

    /** A block, or (for class sets) a block with a protocol name ("tcp", "udp", "sctp") and a port. */
    public record Member(Cidr block, String proto, int port) {
        public static Member peer(Cidr block) {
            return new Member(block, null, 0);
        }

        /** "10.0.0.0/24" or "10.0.0.0/24,tcp:80". */
        @Override
        public String toString() {
            return proto == null ? block.toString() : block + "," + proto + ":" + port;
        }
    }
}
