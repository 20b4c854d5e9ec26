package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of a list as its template shows it: the rows, how many match in all, and the links of the sortable
 * column headers and of the pager (each keeps the search and the page's other filters).
 */
public final class ListPage {
    private final String path;
    private final ListQuery query;
    private final List<JsonNode> rows;
    private final long total;
    private final List<String> sortable;
    private final String note;

    ListPage(String path, ListQuery query, List<JsonNode> rows, long total, List<String> sortable) {
        this(path, query, rows, total, sortable, "");
    }

    private ListPage(String path, ListQuery query, List<JsonNode> rows, long total, List<String> sortable, String note) {
        this.note = note == null ? "" : note;
        this.path = path;
        this.query = query;
        this.rows = List.copyOf(rows);
        this.total = total;
        this.sortable = List.copyOf(sortable);
    }

    /** This page with a note for the user (why it is not sorted as asked). */
    ListPage note(String text) {
        return new ListPage(path, query, rows, total, sortable, text);
    }

    /** Why the list is not as asked (too many to sort by that column), or empty. */
    public String note() {
        return note;
    }

    public List<JsonNode> rows() {
        return rows;
    }

    public long total() {
        return total;
    }

    public String q() {
        return query.q();
    }

    public String path() {
        return path;
    }

    public int page() {
        return query.page();
    }

    public int pages() {
        long n = (total + ListQuery.PAGE_SIZE - 1) / ListQuery.PAGE_SIZE;
        return (int) Math.max(1, Math.min(ListQuery.MAX_PAGE, n));
    }

    /** "1–50 of 10,000", "none" when the list (or the search) is empty. */
    public String summary() {
        if (total == 0) return query.q().isEmpty() ? "none" : "nothing matches '" + query.q() + "'";
        long from = (long) (query.page() - 1) * ListQuery.PAGE_SIZE + 1;
        long to = from + rows.size() - 1;
        return String.format("%,d–%,d of %,d", from, to, total);
    }

    /** The other parameters of the page's query (kept as hidden fields of the search form). */
    public java.util.Map<String, String> others() {
        return query.others();
    }

    /** The current sort as the query string says it ({@code name}, {@code -name}, or empty). */
    public String sort() {
        return query.sort().isEmpty() ? "" : (query.descending() ? "-" : "") + query.sort();
    }

    public boolean sortable(String column) {
        return sortable.contains(column);
    }

    /** The link of a column header: sorts by it ascending, or descending when it is already ascending. */
    public String sortLink(String column) {
        boolean asc = column.equals(query.sort()) && !query.descending();
        return path + query.link(asc ? "-" + column : column, 1);
    }

    /** The header's {@code aria-sort}: ascending, descending or none. */
    public String ariaSort(String column) {
        if (!column.equals(query.sort())) return "none";
        return query.descending() ? "descending" : "ascending";
    }

    public String pageLink(int n) {
        return path + query.link(null, n);
    }

    /** This list's own address (the page a write goes back to, so the user stays where they were). */
    public String self() {
        return path + query.link(null, null);
    }
}
