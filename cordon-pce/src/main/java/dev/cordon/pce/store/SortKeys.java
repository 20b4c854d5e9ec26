package dev.cordon.pce.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The natural-order keys lists are sorted by in the database ({@code sort_*} columns, V6__list_order.sql), so a page
 * of a sorted list is one indexed read at any size and still puts {@code app-4} before {@code app-10}. A key is the
 * text case-folded with each run of digits written as {@code '0'}, its length and the digits (leading zeros
 * dropped), so a shorter number sorts first; each UTF-16 unit is then written as four hex digits, which every
 * collation (H2's, PostgreSQL's C or ICU/glibc locales) orders as bytes, so both databases sort the same.
 */
public final class SortKeys {
    /** Text units kept: names longer than this are ordered by their first 140 units, then by href. */
    static final int UNITS = 140;

    private SortKeys() {}

    /** The key of {@code text}; null for null. */
    public static String of(String text) {
        if (text == null) return null;
        String s = text.toLowerCase(Locale.ROOT);
        StringBuilder units = new StringBuilder();
        int i = 0;
        while (i < s.length() && units.length() < UNITS) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                int start = i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
                String digits = s.substring(start, i).replaceFirst("^0+(?=.)", "");
                units.append('0').append((char) Math.min(digits.length(), 0xFFFF)).append(digits);
            } else {
                units.append(c);
                i++;
            }
        }
        int n = Math.min(units.length(), UNITS);
        StringBuilder hex = new StringBuilder(n * 4);
        for (int k = 0; k < n; k++) {
            String h = Integer.toHexString(units.charAt(k));
            hex.append("0000", h.length(), 4).append(h);
        }
        return hex.toString();
    }

    /**
     * The sort columns of an object: {@code sort_name} its name (a workload without one: its hostname),
     * {@code sort_hostname}, and a label's {@code sort_key} and {@code sort_value}.
     */
    static Map<String, Object> columns(JsonNode body) {
        Map<String, Object> m = new HashMap<>();
        String name = text(body, "name");
        String hostname = text(body, "hostname");
        m.put("sort_name", of(name == null || name.isEmpty() ? hostname : name));
        m.put("sort_hostname", of(hostname));
        m.put("sort_key", of(text(body, "key")));
        m.put("sort_value", of(text(body, "value")));
        return m;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("A stored object is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /**
     * Fills the sort columns of rows stored before V6 (all four null while the object has a field they sort by).
     * Idempotent: a filled row has a non-null column and is not read again; it runs at every open and, once done,
     * finds nothing.
     */
    static void backfill(Database db) {
        String todo = " FROM objects WHERE sort_name IS NULL AND sort_hostname IS NULL AND sort_key IS NULL"
                + " AND sort_value IS NULL AND (name IS NOT NULL OR hostname IS NOT NULL OR label_key IS NOT NULL"
                + " OR label_value IS NOT NULL)";
        while (true) {
            List<Object[]> rows = db.with(h -> h.createQuery("SELECT org, kind, href, body" + todo).setMaxRows(2_000)
                    .map((rs, ctx) -> new Object[] {rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)})
                    .list());
            if (rows.isEmpty()) return;
            db.change(h -> {
                var batch = h.prepareBatch("UPDATE objects SET sort_name = :sort_name, sort_hostname = :sort_hostname,"
                        + " sort_key = :sort_key, sort_value = :sort_value WHERE org = :org AND kind = :kind AND href = :href");
                for (Object[] r : rows) {
                    // a selected row has a name, hostname, key or value, so at least one key is non-null after this
                    Map<String, Object> cols = columns(parse((String) r[3]));
                    batch.bindMap(cols).bind("org", r[0]).bind("kind", r[1]).bind("href", r[2]).add();
                }
                batch.execute();
                return null;
            });
        }
    }
}
