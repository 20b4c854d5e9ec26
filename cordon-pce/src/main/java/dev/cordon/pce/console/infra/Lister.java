package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every list page's search, sort and paging, in one place. The search text becomes the API's own filters (each list
 * says which: {@code name}, a label's {@code key} and {@code value}, ...), so the API does the searching and the
 * console never holds more than it shows when the list is in the API's order: it asks for {@code page × 50} objects
 * and keeps the last 50, with the total from {@code X-Total-Count}. Sorting by a column (or keeping only some objects,
 * as the rule set list does for rule set managers) needs every match, so then the console reads them all, sorts by
 * the column's text in natural order ({@code app-4} before {@code app-10}) and cuts the page out.
 */
public final class Lister {
    /** Everything: the API has no cap but {@code max_results}. */
    private static final int ALL = 1_000_000;

    /**
     * One list: its API collection ({@code /orgs/1/labels}), the API filters for a search text, the sort keys by
     * column name, which objects to keep (null: all of them), and, for a collection that takes Cordon's
     * {@code sort}/{@code offset} parameters (labels, workloads, VENs), the API's sort name of each column it sorts
     * (null: the collection has neither, so pages are cut from the first {@code page × 50}).
     */
    public record Spec(String collection, Function<String, Map<String, String>> search,
                       Map<String, Function<JsonNode, String>> sorts, Predicate<JsonNode> keep,
                       Map<String, String> apiSorts) {
        public Spec(String collection, Function<String, Map<String, String>> search, Map<String, Function<JsonNode, String>> sorts) {
            this(collection, search, sorts, null, null);
        }

        public Spec(String collection, Function<String, Map<String, String>> search,
                    Map<String, Function<JsonNode, String>> sorts, Predicate<JsonNode> keep) {
            this(collection, search, sorts, keep, null);
        }

        /** This list read one page at a time, sorted and offset by the API ({@code apiSorts}: column → API sort). */
        public Spec paged(Map<String, String> apiSorts) {
            return new Spec(collection, search, sorts, keep, Map.copyOf(apiSorts));
        }
    }

    /**
     * A column the API cannot sort by is sorted here, after reading every match: only while there are at most this
     * many; a larger list is shown in the API's order with a note to search first.
     */
    static final int SORT_HERE_MAX = 5_000;

    private Lister() {}

    /** Searches by the API's {@code name} filter (partial, as the API matches names). */
    public static Function<String, Map<String, String>> byName() {
        return q -> Map.of("name", q);
    }

    /** The page of the list the request asks for ({@code q}, {@code sort}, {@code page} of its query string). */
    public static ListPage load(Req r, Spec spec, Map<String, String> filters) {
        ListQuery query = ListQuery.of(r.ctx.queryParamMap());
        String path = r.ctx.path();
        Map<String, String> params = new LinkedHashMap<>(filters);
        if (!query.q().isEmpty()) params.putAll(spec.search().apply(query.q()));
        Function<JsonNode, String> key = spec.sorts().get(query.sort());
        List<String> sortable = List.copyOf(spec.sorts().keySet());
        int size = ListQuery.PAGE_SIZE;
        int from = (query.page() - 1) * size;
        String apiSort = spec.apiSorts() == null ? null : spec.apiSorts().get(query.sort());
        if (spec.apiSorts() != null && spec.keep() == null && (key == null || apiSort != null)) {
            // one page, sorted and cut by the API: the same cost at any size and any page
            if (apiSort != null) params.put("sort", (query.descending() ? "-" : "") + apiSort);
            params.put("offset", Integer.toString(from));
            params.put("max_results", Integer.toString(size));
            ApiClient.Slice s = r.api.slice(r.key(), spec.collection() + ApiClient.query(params));
            return new ListPage(path, query, s.items(), s.total(), sortable);
        }
        if (key == null && spec.keep() == null) {
            params.put("max_results", Integer.toString(query.page() * size));
            ApiClient.Slice s = r.api.slice(r.key(), spec.collection() + ApiClient.query(params));
            List<JsonNode> items = s.items();
            List<JsonNode> rows = from >= items.size() ? List.of() : items.subList(from, Math.min(items.size(), from + size));
            return new ListPage(path, query, rows, s.total(), sortable);
        }
        if (spec.keep() == null && spec.apiSorts() != null) {
            // a column only the console sorts: first the count (no objects read), then every match if few enough
            Map<String, String> count = new LinkedHashMap<>(params);
            count.put("max_results", "0");
            long total = r.api.slice(r.key(), spec.collection() + ApiClient.query(count)).total();
            if (total > SORT_HERE_MAX) {
                ListQuery unsorted = new ListQuery(query.q(), "", false, query.page(), query.others());
                params.put("offset", Integer.toString(from));
                params.put("max_results", Integer.toString(size));
                ApiClient.Slice s = r.api.slice(r.key(), spec.collection() + ApiClient.query(params));
                return new ListPage(path, unsorted, s.items(), s.total(), sortable).note(String.format(
                        "%,d match: too many to sort by %s (at most %,d); shown unsorted. Search to narrow the list.",
                        total, query.sort(), SORT_HERE_MAX));
            }
        }
        params.put("max_results", Integer.toString(ALL));
        List<JsonNode> all = new ArrayList<>(r.api.slice(r.key(), spec.collection() + ApiClient.query(params)).items());
        if (spec.keep() != null) all.removeIf(spec.keep().negate());
        if (key != null) {
            Comparator<JsonNode> by = Comparator.comparing(key, NATURAL);
            all.sort(query.descending() ? by.reversed() : by);
        }
        List<JsonNode> rows = from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(), from + size));
        return new ListPage(path, query, rows, all.size(), sortable);
    }

    /** Case-insensitive, with runs of digits compared as numbers: role=app-4 < app-10 < app-94. */
    static final Comparator<String> NATURAL = (a, b) -> {
        String x = a == null ? "" : a.toLowerCase(java.util.Locale.ROOT);
        String y = b == null ? "" : b.toLowerCase(java.util.Locale.ROOT);
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            char c = x.charAt(i);
            char d = y.charAt(j);
            if (Character.isDigit(c) && Character.isDigit(d)) {
                int si = i;
                int sj = j;
                while (i < x.length() && Character.isDigit(x.charAt(i))) i++;
                while (j < y.length() && Character.isDigit(y.charAt(j))) j++;
                String n = x.substring(si, i).replaceFirst("^0+(?=.)", "");
                String m = y.substring(sj, j).replaceFirst("^0+(?=.)", "");
                if (n.length() != m.length()) return Integer.compare(n.length(), m.length());
                int cmp = n.compareTo(m);
                if (cmp != 0) return cmp;
            } else {
                if (c != d) return Character.compare(c, d);
                i++;
                j++;
            }
        }
        return Integer.compare(x.length() - i, y.length() - j);
    };
}
