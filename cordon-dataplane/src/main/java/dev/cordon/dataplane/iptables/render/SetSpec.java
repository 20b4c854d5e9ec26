package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.Family;
import java.util.List;

/**
 * One ipset Cordon wants: name (≤ 31 characters, starting with "cordon"), family, type ({@code hash:net} for a
 * peer set, {@code hash:net,port} for a class set) and members in the form {@code ipset list} prints them,
 * sorted, without duplicates. Sizes are derived from the member count so the same members always give the same
 * {@code create} line.
 */
public record SetSpec(String name, Family family, String type, List<String> members) {
    public static final int MAX_NAME = 31;

    public SetSpec {
        members = List.copyOf(members);
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("ipset name " + name + " is longer than " + MAX_NAME + " characters");
        }
    }

    /** {@code create} line for this set under another name (a temporary set is created under its own name). */
    public String createLine(String asName) {
        return "create " + asName + " " + type + " family " + Tools.ipsetFamily(family) + " hashsize " + hashSize()
                + " maxelem " + maxElem();
    }

    public String createLine() {
        return createLine(name);
    }

    public int hashSize() {
        return Math.max(1024, Integer.highestOneBit(Math.max(1, members.size() / 2)) * 2);
    }

    public int maxElem() {
        return Math.max(65536, Integer.highestOneBit(Math.max(1, members.size())) * 2);
    }

    /** The {@code ipset restore} text that creates and fills this set under {@code asName}. */
    public void appendRestore(StringBuilder sb, String asName) {
        sb.append(createLine(asName)).append('\n');
        for (String m : members) sb.append("add ").append(asName).append(' ').append(m).append('\n');
    }
}
