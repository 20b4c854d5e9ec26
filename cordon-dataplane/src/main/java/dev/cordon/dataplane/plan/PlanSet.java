package dev.cordon.dataplane.plan;

import dev.cordon.dataplane.Family;
import java.util.List;

/**
 * One address set Cordon wants. A {@link Kind#PEER} set holds address blocks (one side of a rule); a
 * {@link Kind#CLASS} set holds (block, protocol, port) members, so that every entry of one action class is one rule
 * and one hash lookup whatever the number of entries. Members are in the order of their {@link Member#toString()}
 * text, without duplicates, so the same policy always gives the same set; {@code texts} holds those texts, in the
 * same order (computed once: a class set of the benchmark policy has 100,000 members, and a backend that writes
 * members in that form, as ipset does, need not build them again).
 */
public record PlanSet(String name, Family family, Kind kind, List<Member> members, List<String> texts) {
    public PlanSet {
        members = List.copyOf(members);
        texts = List.copyOf(texts);
        if (texts.size() != members.size()) throw new IllegalArgumentException("one text per member");
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
            return text(block.toString());
        }

        String text(String blockText) {
            return proto == null ? blockText : blockText + "," + proto + ":" + port;
        }
    }

    /**
     * Members' texts, written for a run of members: a class set has one member per (block, port), created block by
     * block, so the block's text is computed once per block instead of once per member (100,000 members in the
     * benchmark policy).
     */
    public static final class Texts {
        private Cidr last;
        private String lastText;

        /** {@code m.toString()}. */
        public String of(Member m) {
            if (m.block() != last) {
                last = m.block();
                lastText = last.toString();
            }
            return m.text(lastText);
        }
    }
}
