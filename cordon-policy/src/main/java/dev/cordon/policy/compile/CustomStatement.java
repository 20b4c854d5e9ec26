package dev.cordon.policy.compile;

/** A custom iptables statement that applies to this workload: {@code -t table -A chain parameters}. */
public record CustomStatement(String table, String chain, String parameters, int ipVersion, String rule) {}
