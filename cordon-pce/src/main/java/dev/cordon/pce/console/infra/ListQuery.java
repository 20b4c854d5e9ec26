package dev.cordon.pce.console.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a list page was asked for, from its query string: {@code q} (search text), {@code sort} (a column's name,
 * {@code -name} for descending; empty for the API's own order) and {@code page} (from 1). Any other parameter of the
 * page (an event filter) is kept in the links the list makes, so sorting or paging never drops a filter.
 */
public record ListQuery(String q, String sort, boolean descending, int page, Map<String, String> others) {
    public static final int PAGE_SIZE = 50;
    /** Pages beyond this are not offered: a search narrows a list better than paging through 2,000 pages does. */
    public static final int MAX_PAGE = 2_000;

    static ListQuery of(Map<String, List<String>> params) {
        String q = first(params, "q").trim();
        String sort = first(params, "sort").trim();
        boolean desc = sort.startsWith("-");
        if (desc) sort = sort.substring(1);
        int page = 1;
        try {
            page = Math.max(1, Math.min(MAX_PAGE, Integer.parseInt(first(params, "page").trim())));
        } catch (NumberFormatException e) {
            // no page or an unreadable one: the first
        }
        Map<String, String> others = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (!k.equals("q") && !k.equals("sort") && !k.equals("page") && !v.isEmpty() && !v.get(0).isBlank()) others.put(k, v.get(0));
        });
        return new ListQuery(q, sort, desc, page, Map.copyOf(others));
    }

    private static String first(Map<String, List<String>> params, String k) {
        List<String> v = params.get(k);
        return v == null || v.isEmpty() || v.get(0) == null ? "" : v.get(0);
    }

    /** The query string of this list with {@code sort} and {@code page} replaced (null keeps the current one). */
    String link(String newSort, Integer newPage) {
        Map<String, String> p = new LinkedHashMap<>(others);
        if (!q.isEmpty()) p.put("q", q);
        String s = newSort != null ? newSort : (descending ? "-" : "") + sort;
        if (!s.isEmpty()) p.put("sort", s);
        int pg = newPage != null ? newPage : page;
        if (pg > 1) p.put("page", Integer.toString(pg));
        return ApiClient.query(p);
    }
}
