package dev.cordon.pce.store;

import java.util.List;

/**
 * The order of a page of objects, and where it starts. {@link #BY_HREF} is the API's own order; the others sort by a
 * natural-order key ({@link SortKeys}) with the href breaking ties, each served by an index (V6__list_order.sql).
 */
public record ListOrder(Column column, boolean descending, int offset) {
    public static final ListOrder BY_HREF = new ListOrder(Column.HREF, false, 0);

    /** The columns a list may be sorted by, and the SQL each sorts with. */
    public enum Column {
        HREF("href"), NAME("sort_name, href"), HOSTNAME("sort_hostname, href"),
        KEY("sort_key, sort_value, href"), VALUE("sort_value, sort_key, href");

        private final String sql;

        Column(String sql) {
            this.sql = sql;
        }

        /**
         * ORDER BY text: org and kind first (H2 sorts by an index only when the ORDER BY names the index's leading
         * columns too, even those the WHERE fixes; without them it read and sorted all 100,000 workloads for a page
         * of 50), then the columns, all ascending or all descending (V6__list_order.sql has an index each way).
         */
        String orderBy(boolean descending) {
            StringBuilder sb = new StringBuilder("org, kind");
            for (String c : List.of(sql.split(", "))) sb.append(", ").append(c).append(descending ? " DESC" : "");
            return sb.toString();
        }
    }

    public ListOrder {
        if (column == null) column = Column.HREF;
        if (offset < 0) throw new IllegalArgumentException("offset " + offset);
    }
}
