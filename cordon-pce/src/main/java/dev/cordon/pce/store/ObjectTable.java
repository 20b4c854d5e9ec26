package dev.cordon.pce.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The {@code objects} table: every API object stored as its JSON text, keyed by (org, kind, href), with the columns
 * the API filters on ({@code name}, {@code hostname}, label {@code key}/{@code value}, external data, and a
 * kind-specific {@code lookup} such as an API key's username) copied out and indexed. A put or delete moves the
 * kind's write stamp ({@link Counters#countWrites}).
 */
public final class ObjectTable {
    private final Database db;
    private final Counters counters;

    ObjectTable(Database db, Counters counters) {
        this.db = db;
        this.counters = counters;
    }

    public Optional<String> get(int org, String kind, String href) {
        return db.with(h -> h.createQuery("SELECT body FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).mapTo(String.class).findOne());
    }

    /** The look-up key an object was stored with (an agent token's id, say), if any. */
    public Optional<String> lookupOf(int org, String kind, String href) {
        return db.with(h -> h.createQuery("SELECT lookup FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).mapTo(String.class).findOne());
    }

    public Optional<Row> findByLookup(String kind, String lookup) {
        return db.with(h -> h.createQuery("SELECT href, body FROM objects WHERE kind = :kind AND lookup = :lookup")
                .bind("kind", kind).bind("lookup", lookup)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2))).findFirst());
    }

    public List<Row> all(int org, String kind) {
        return list(org, kind, Filter.NONE, Integer.MAX_VALUE).rows();
    }

    public Page list(int org, String kind, Filter f, int limit) {
        return list(org, kind, f, ListOrder.BY_HREF, limit);
    }

    /**
     * One page of the objects of {@code kind} that {@code f} keeps, in {@code order} from its offset, at most
     * {@code limit} of them, with the number of all that match.
     */
    public Page list(int org, String kind, Filter f, ListOrder order, int limit) {
        if (f.hrefs() != null && f.hrefs().isEmpty()) return new Page(List.of(), 0);
        StringBuilder where = new StringBuilder(" WHERE org = :org AND kind = :kind");
        if (f.name() != null) where.append(" AND LOWER(name) LIKE :name ESCAPE '!'");
        if (f.hostname() != null) where.append(" AND LOWER(hostname) LIKE :hostname ESCAPE '!'");
        if (f.key() != null) where.append(" AND label_key = :key");
        if (f.value() != null) where.append(" AND label_value = :value");
        if (f.valuePart() != null) where.append(" AND LOWER(label_value) LIKE :value_part ESCAPE '!'");
        if (f.externalDataSet() != null) where.append(" AND ext_set = :ext_set");
        if (f.externalDataReference() != null) where.append(" AND ext_ref = :ext_ref");
        if (f.hrefs() != null) where.append(" AND href IN (<hrefs>)");
        String page = " ORDER BY " + order.column().orderBy(order.descending())
                + (order.offset() > 0 ? " OFFSET " + order.offset() + " ROWS" : "");
        return db.with(h -> {
            Query count = bindFilter(h.createQuery("SELECT COUNT(*) FROM objects" + where), org, kind, f);
            long total = count.mapTo(Long.class).one();
            List<Row> rows = new ArrayList<>();
            if (limit > 0 && order.offset() < total) {
                String fetch = limit < Integer.MAX_VALUE ? " FETCH NEXT " + limit + " ROWS ONLY" : "";
                Query q = bindFilter(h.createQuery("SELECT href, body FROM objects" + where + page + fetch), org, kind, f);
                q.setMaxRows(limit);
                rows = q.map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2))).list();
            }
            return new Page(rows, total);
        });
    }

    private static Query bindFilter(Query q, int org, String kind, Filter f) {
        q.bind("org", org).bind("kind", kind);
        if (f.name() != null) q.bind("name", like(f.name()));
        if (f.hostname() != null) q.bind("hostname", like(f.hostname()));
        if (f.key() != null) q.bind("key", f.key());
        if (f.value() != null) q.bind("value", f.value());
        if (f.valuePart() != null) q.bind("value_part", like(f.valuePart()));
        if (f.externalDataSet() != null) q.bind("ext_set", f.externalDataSet());
        if (f.externalDataReference() != null) q.bind("ext_ref", f.externalDataReference());
        if (f.hrefs() != null) q.bindList("hrefs", f.hrefs());
        return q;
    }

    private static String like(String s) {
        String escaped = s.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + escaped + "%";
    }

    /** The widths of the indexed columns (V1__init.sql): a longer value is the client's mistake, not a 500. */
    private record Width(String field, int max) {}

    private static final Map<String, Width> WIDTHS = Map.of("name", new Width("name", 1000),
            "hostname", new Width("hostname", 1000), "key", new Width("key", 400), "value", new Width("value", 1000),
            "ext_set", new Width("external_data_set", 1000), "ext_ref", new Width("external_data_reference", 1000));

    /**
     * Inserts or replaces an object; the indexed columns are read from its JSON.
     *
     * @throws PolicyException (406) when an indexed field is longer than its column
     */
    public void put(int org, String kind, String href, JsonNode body, String lookup) {
        Map<String, Object> cols = checkedColumns(href, body, lookup);
        String text = body.toString();
        db.change(h -> {
            int n = h.createUpdate("UPDATE objects SET name = :name, hostname = :hostname, label_key = :key,"
                            + " label_value = :value, ext_set = :ext_set, ext_ref = :ext_ref, lookup = :lookup,"
                            + " sort_name = :sort_name, sort_hostname = :sort_hostname, sort_key = :sort_key,"
                            + " sort_value = :sort_value, body = :body WHERE org = :org AND kind = :kind AND href = :href")
                    .bindMap(cols).bind("lookup", lookup).bind("body", text)
                    .bind("org", org).bind("kind", kind).bind("href", href).execute();
            if (n == 0) insert(h, org, kind, href, cols, lookup, text);
            return null;
        });
        counters.wrote(org, kind);
    }

    /**
     * Inserts an object the caller has just made under a new href (a random UUID, say), so no row can hold it yet:
     * one statement instead of {@link #put}'s update-or-insert. A row already there is a bug, not a user's error.
     *
     * @throws PolicyException (406) when an indexed field is longer than its column
     */
    public void insertNew(int org, String kind, String href, JsonNode body, String lookup) {
        Map<String, Object> cols = checkedColumns(href, body, lookup);
        String text = body.toString();
        db.change(h -> insert(h, org, kind, href, cols, lookup, text));
        counters.wrote(org, kind);
    }

    private static int insert(Handle h, int org, String kind, String href, Map<String, Object> cols, String lookup,
                              String text) {
        return h.createUpdate("INSERT INTO objects (org, kind, href, name, hostname, label_key, label_value, ext_set,"
                        + " ext_ref, lookup, sort_name, sort_hostname, sort_key, sort_value, body) VALUES (:org, :kind,"
                        + " :href, :name, :hostname, :key, :value, :ext_set, :ext_ref, :lookup, :sort_name,"
                        + " :sort_hostname, :sort_key, :sort_value, :body)")
                .bindMap(cols).bind("lookup", lookup).bind("body", text)
                .bind("org", org).bind("kind", kind).bind("href", href).execute();
    }

    /** The indexed columns of {@code body}, or a 406 naming each that is longer than its column. */
    private static Map<String, Object> checkedColumns(String href, JsonNode body, String lookup) {
        Map<String, Object> cols = columns(body);
        cols.putAll(SortKeys.columns(body));
        List<ValidationError> tooLong = new ArrayList<>();
        WIDTHS.forEach((col, width) -> {
            if (cols.get(col) instanceof String str && str.length() > width.max()) {
                tooLong.add(new ValidationError("value_too_long", "'" + width.field() + "' is " + str.length()
                        + " characters long; at most " + width.max() + " are allowed: shorten it."));
            }
        });
        if (lookup != null && lookup.length() > 400) {
            tooLong.add(new ValidationError("value_too_long", "The name is " + lookup.length()
                    + " characters long; at most 400 are allowed: shorten it."));
        }
        if (!tooLong.isEmpty()) throw new PolicyException(tooLong);
        if (href.length() > 400) {
            throw new PolicyException(List.of(new ValidationError("value_too_long", "The href " + href.substring(0, 60)
                    + "... is " + href.length() + " characters long; at most 400 are allowed.")));
        }
        return cols;
    }

    private static Map<String, Object> columns(JsonNode body) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", text(body, "name"));
        m.put("hostname", text(body, "hostname"));
        m.put("key", text(body, "key"));
        m.put("value", text(body, "value"));
        m.put("ext_set", text(body, "external_data_set"));
        m.put("ext_ref", text(body, "external_data_reference"));
        return m;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public boolean delete(int org, String kind, String href) {
        boolean deleted = db.change(h -> h.createUpdate("DELETE FROM objects WHERE org = :org AND kind = :kind AND href = :href")
                .bind("org", org).bind("kind", kind).bind("href", href).execute()) > 0;
        if (deleted) counters.wrote(org, kind);
        return deleted;
    }

    public void deleteKind(int org, String kind) {
        db.change(h -> h.createUpdate("DELETE FROM objects WHERE org = :org AND kind = :kind")
                .bind("org", org).bind("kind", kind).execute());
        counters.wrote(org, kind);
    }
}
