package dev.cordon.pce.store;

import java.util.List;
import java.util.Optional;

/**
 * The {@code policy_versions} table: provisioned versions, immutable rows each holding a whole policy document;
 * {@code PRIMARY KEY (org, version)} refuses a reused number.
 */
public final class PolicyVersions {
    private final Database db;

    PolicyVersions(Database db) {
        this.db = db;
    }

    public void insert(PolicyVersion v) {
        db.change(h -> h.createUpdate("INSERT INTO policy_versions (org, version, description, created_at, created_by,"
                        + " workloads_affected, object_counts, document) VALUES (:org, :version, :description,"
                        + " :createdAt, :createdBy, :workloadsAffected, :objectCounts, :document)")
                .bindMethods(v).execute());
    }

    public long latest(int org) {
        return db.with(h -> h.createQuery("SELECT MAX(version) FROM policy_versions WHERE org = :org").bind("org", org)
                .mapTo(Long.class).findOne().orElse(0L));
    }

    public Optional<PolicyVersion> get(int org, long version) {
        return db.with(h -> h.createQuery("SELECT org, version, description, created_at, created_by, workloads_affected,"
                        + " object_counts, document FROM policy_versions WHERE org = :org AND version = :v")
                .bind("org", org).bind("v", version)
                .map((rs, ctx) -> new PolicyVersion(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8))).findOne());
    }

    /** Versions newest first, without their documents. */
    public List<PolicyVersion> newestFirst(int org, int limit) {
        return db.with(h -> h.createQuery("SELECT org, version, description, created_at, created_by, workloads_affected,"
                        + " object_counts FROM policy_versions WHERE org = :org ORDER BY version DESC")
                .bind("org", org).setMaxRows(limit)
                .map((rs, ctx) -> new PolicyVersion(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), null)).list());
    }

    public long count(int org) {
        return db.with(h -> h.createQuery("SELECT COUNT(*) FROM policy_versions WHERE org = :org").bind("org", org)
                .mapTo(Long.class).one());
    }
}
