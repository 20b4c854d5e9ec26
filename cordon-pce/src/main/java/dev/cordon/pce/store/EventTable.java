package dev.cordon.pce.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.statement.Query;

/** The {@code events} table: the audit trail, per-org sequence numbers, retention deletes. */
public final class EventTable {
    private final Database db;

    EventTable(Database db) {
        this.db = db;
    }

    public void insert(int org, long seq, String href, String type, String severity, String ts, String body) {
        db.change(h -> h.createUpdate("INSERT INTO events (org, seq, href, event_type, severity, ts, body)"
                        + " VALUES (:org, :seq, :href, :type, :severity, :ts, :body)")
                .bind("org", org).bind("seq", seq).bind("href", href).bind("type", type).bind("severity", severity)
                .bind("ts", ts).bind("body", body).execute());
    }

    /** Deletes the events recorded before {@code ts} (RFC 3339 UTC text); returns how many. */
    public int deleteBefore(String ts) {
        return db.with(h -> h.createUpdate("DELETE FROM events WHERE ts < :ts").bind("ts", ts).execute());
    }

    /** Deletes an org's oldest events beyond the newest {@code keep}; returns how many. */
    public int deleteBeyond(int org, long keep) {
        return db.with(h -> {
            Optional<Long> last = h.createQuery("SELECT seq FROM events WHERE org = :org ORDER BY seq DESC"
                            + " OFFSET :keep ROWS FETCH NEXT 1 ROWS ONLY")
                    .bind("org", org).bind("keep", keep).mapTo(Long.class).findOne();
            return last.map(seq -> h.createUpdate("DELETE FROM events WHERE org = :org AND seq <= :seq")
                    .bind("org", org).bind("seq", seq).execute()).orElse(0);
        });
    }

    /** The orgs that have events. */
    public List<Integer> orgs() {
        return db.with(h -> h.createQuery("SELECT DISTINCT org FROM events").mapTo(Integer.class).list());
    }

    /** One event by its href. */
    public Optional<String> get(int org, String href) {
        return db.with(h -> h.createQuery("SELECT body FROM events WHERE org = :org AND href = :href")
                .bind("org", org).bind("href", href).mapTo(String.class).findOne());
    }

    /** Events newest first; null filters do not filter; timestamps compare as RFC 3339 UTC text. */
    public EventRow.Page page(int org, String type, String severity, String from, String to, int limit) {
        StringBuilder where = new StringBuilder(" WHERE org = :org");
        if (type != null) where.append(" AND event_type = :type");
        if (severity != null) where.append(" AND severity = :severity");
        if (from != null) where.append(" AND ts >= :from");
        if (to != null) where.append(" AND ts <= :to");
        return db.with(h -> {
            Function<Query, Query> bind = q -> {
                q.bind("org", org);
                if (type != null) q.bind("type", type);
                if (severity != null) q.bind("severity", severity);
                if (from != null) q.bind("from", from);
                if (to != null) q.bind("to", to);
                return q;
            };
            long total = bind.apply(h.createQuery("SELECT COUNT(*) FROM events" + where)).mapTo(Long.class).one();
            Query q = bind.apply(h.createQuery("SELECT seq, body FROM events" + where + " ORDER BY seq DESC"));
            q.setMaxRows(Math.max(limit, 1));
            List<EventRow> rows = limit <= 0 ? List.of()
                    : q.map((rs, ctx) -> new EventRow(rs.getLong(1), rs.getString(2))).list();
            return new EventRow.Page(rows, total);
        });
    }
}
