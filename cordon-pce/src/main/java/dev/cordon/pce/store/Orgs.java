package dev.cordon.pce.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code orgs} table: which orgs exist.
 *
 * <p>Every API request checks its org; orgs are created and never deleted, so an org once seen to exist (outside a
 * write transaction, which could still roll back) is remembered, and the check costs no query after that. Another
 * node's new org is found by the query on its first request. Threads: any.
 */
public final class Orgs {
    private final Database db;
    private final Set<Integer> known = ConcurrentHashMap.newKeySet();

    Orgs(Database db) {
        this.db = db;
    }

    public boolean exists(int org) {
        if (known.contains(org)) return true;
        boolean exists = db.with(h -> h.createQuery("SELECT COUNT(*) FROM orgs WHERE id = :id").bind("id", org)
                .mapTo(Integer.class).one() > 0);
        if (exists && !db.inWrite()) known.add(org);
        return exists;
    }

    public void create(int org, String name, String createdAt) {
        db.change(h -> h.createUpdate("INSERT INTO orgs (id, name, created_at) VALUES (:id, :name, :at)")
                .bind("id", org).bind("name", name).bind("at", createdAt).execute());
    }
}
