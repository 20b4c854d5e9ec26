package dev.cordon.ven.state;

/**
 * Who this VEN is to its PCE, written once at activation: the PCE's URL, the VEN's and workload's hrefs, the agent
 * token (a secret: the file is mode 0600), the pinned certificate fingerprint (null over plain HTTP), the hostname
 * it activated with, and when.
 */
public record Identity(String pce, String venHref, String workloadHref, String agentToken, String certificateSha256,
                       String hostname, String activatedAt) {}
