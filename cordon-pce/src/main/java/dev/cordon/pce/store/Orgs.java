package dev.cordon.pce.store;

/** The {@code orgs} table: which orgs exist. */
public final class Orgs {
    private final Database db;

    Orgs(Database db) {
        this.db = db;
    }

    public boolean exists(int org) {
        return db.with(h -> h.createQuery("SELECT COUNT(*) FROM orgs WHERE id = :id").bind("id", org)
                .mapTo(Integer.class).one() > 0);
    }

    public void create(int org, String name, String createdAt) {
        db.change(h -> h.createUpdate("INSERT INTO orgs (id, name, created_at) VALUES (:id, :name, :at)")
                .bind("id", org).bind("name", name).bind("at", createdAt).execute());
    }
}
