package dev.cordon.dataplane.iptables.render;

import java.util.List;

/** A Cordon-owned chain and its rules, each the text after {@code -A NAME }. */
public record ChainSpec(String name, List<String> rules) {
    public static final int MAX_NAME = 28;

    public ChainSpec {
        rules = List.copyOf(rules);
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException("chain name " + name + " is longer than the kernel's " + MAX_NAME
                    + " characters");
        }
        if (!name.startsWith("CORDON")) throw new IllegalArgumentException("Cordon chain " + name + " must start with CORDON");
    }
}
