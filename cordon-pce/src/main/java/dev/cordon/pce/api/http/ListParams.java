package dev.cordon.pce.api.http;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.ListOrder;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cordon's extensions to a stored collection's {@code GET} (docs/api.md › Collections: several hrefs, sort and
 * offset), which Illumio's API does not have: {@code href} (repeated: only those objects), {@code sort} (a column,
 * {@code -column} descending, in natural order) and {@code offset} (objects skipped before the page). A console list
 * of 100,000 workloads asks for its one page with them; a client that sends none gets Illumio's answer.
 */
public final class ListParams {
    /** The most hrefs one request may name: a page names a few dozen; the URL stays far below any server's limit. */
    public static final int MAX_HREFS = 200;

    private static final Map<String, ListOrder.Column> LABEL_SORTS = sorts("key", ListOrder.Column.KEY,
            "value", ListOrder.Column.VALUE);
    private static final Map<String, ListOrder.Column> OTHER_SORTS = sorts("name", ListOrder.Column.NAME,
            "hostname", ListOrder.Column.HOSTNAME);

    private ListParams() {}

    private static Map<String, ListOrder.Column> sorts(String a, ListOrder.Column ca, String b, ListOrder.Column cb) {
        Map<String, ListOrder.Column> m = new LinkedHashMap<>();
        m.put(a, ca);
        m.put(b, cb);
        return m;
    }

    /** The {@code href} values, or null when the request names none. */
    static List<String> hrefs(Context ctx) {
        List<String> hrefs = ctx.queryParams("href").stream().filter(h -> h != null && !h.isBlank()).map(String::strip).toList();
        if (hrefs.isEmpty()) return null;
        if (hrefs.size() > MAX_HREFS) {
            throw ApiException.invalid("invalid_href", "The href filter names " + hrefs.size() + " objects; at most "
                    + MAX_HREFS + " are allowed in one request: split it.");
        }
        return hrefs;
    }

    /** The order and offset the request asks for ({@code sort}, {@code offset}); the API's own order by default. */
    static ListOrder order(Context ctx, String kind) {
        int offset = Requests.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String sort = ctx.queryParam("sort");
        if (sort == null || sort.isBlank()) return new ListOrder(ListOrder.Column.HREF, false, offset);
        String s = sort.strip();
        boolean desc = s.startsWith("-");
        if (desc) s = s.substring(1);
        Map<String, ListOrder.Column> allowed = kind.equals(Kind.LABEL.kind()) ? LABEL_SORTS : OTHER_SORTS;
        ListOrder.Column c = allowed.get(s);
        if (c == null) {
            throw ApiException.invalid("invalid_sort", "sort '" + sort + "' is not a column of this collection: use one of "
                    + String.join(", ", allowed.keySet()) + " (with a leading '-' for descending).");
        }
        return new ListOrder(c, desc, offset);
    }
}
