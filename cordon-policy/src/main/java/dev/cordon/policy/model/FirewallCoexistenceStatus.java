package dev.cordon.policy.model;

/** The read-only, computed {@code firewall_coexistence} of a workload: {@code null} when exclusive. */
public record FirewallCoexistenceStatus(boolean illumioPrimary) {}
