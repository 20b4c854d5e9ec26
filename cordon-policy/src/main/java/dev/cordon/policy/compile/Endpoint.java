package dev.cordon.policy.compile;

/** A control-plane endpoint the VEN must always reach, whatever the policy: an address (or CIDR) and TCP port. */
public record Endpoint(String address, int port) {}
