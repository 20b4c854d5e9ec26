package dev.cordon.pce.store;

/** One provisioned version: an immutable snapshot of the policy document and who made it, when and why. */
public record PolicyVersion(int org, long version, String description, String createdAt, String createdBy,
                            int workloadsAffected, String objectCounts, String document) {}
