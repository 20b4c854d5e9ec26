package dev.cordon.ven.pce;

/**
 * What activation gave the VEN: its own href, its workload's href, the agent token for every later call, and the
 * SHA-256 fingerprint (lower-case hex) of the certificate the PCE presented, or null over plain HTTP.
 */
public record Activation(String venHref, String workloadHref, String agentToken, String certificateSha256) {}
