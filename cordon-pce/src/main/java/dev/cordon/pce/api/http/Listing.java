package dev.cordon.pce.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.ListOrder;
import dev.cordon.pce.store.Page;
import dev.cordon.pce.store.Store;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stored collection as the API lists it. The column filters ({@code name}, {@code hostname}, ...) page in the
 * database; field filters (when the request names any) are applied to the shown objects, so their count is the
 * total.
 */
public final class Listing {
    private final Store store;
    private final Orgs orgs;

    public Listing(Store store, Orgs orgs) {
        this.store = store;
        this.orgs = orgs;
    }

    /** Lists {@code kind}, each object as {@code view} shows it, filtered by the request's field filters. */
    public void shown(Context ctx, String kind, Map<String, Set<String>> fields, Function<JsonNode, JsonNode> view) {
        Predicate<JsonNode> match = fieldFilter(ctx, fields);
        Filter columns = Requests.filter(ctx);
        if (kind.equals(Kind.LABEL.kind()) && columns.value() != null) {
            // Illumio's label value filter is partial: LIKE on the value column, not the exact match
            columns = new Filter(columns.name(), columns.hostname(), columns.key(), null, columns.externalDataSet(),
                    columns.externalDataReference(), columns.value(), null);
        }
        columns = new Filter(columns.name(), columns.hostname(), columns.key(), columns.value(),
                columns.externalDataSet(), columns.externalDataReference(), columns.valuePart(), ListParams.hrefs(ctx));
        ListOrder order = ListParams.order(ctx, kind);
        int limit = Requests.limit(ctx);
        if (match == null) {
            Page page = store.objects().list(orgs.org(ctx), kind, columns, order, limit);
            Responses.list(ctx, page.rows().stream().map(r -> view.apply(Json.parse(r.body()))).toList(), page.total());
            return;
        }
        // field filters look inside the objects: every column match is read in order, then offset and limit apply
        Page page = store.objects().list(orgs.org(ctx), kind, columns,
                new ListOrder(order.column(), order.descending(), 0), Integer.MAX_VALUE);
        List<JsonNode> kept = page.rows().stream().map(r -> view.apply(Json.parse(r.body()))).filter(match).toList();
        int from = Math.min(order.offset(), kept.size());
        Responses.list(ctx, kept.subList(from, (int) Math.min(kept.size(), (long) from + limit)), kept.size());
    }

    /**
     * The objects the field filters of the request keep, or null when it names none. A value outside the allowed
     * ones is a 406 (an empty set allows any value), so a misspelt filter never silently returns everything.
     */
    private static Predicate<JsonNode> fieldFilter(Context ctx, Map<String, Set<String>> fields) {
        Predicate<JsonNode> all = null;
        for (Map.Entry<String, Set<String>> f : new TreeMap<>(fields).entrySet()) {
            String want = ctx.queryParam(f.getKey());
            if (want == null) continue;
            if (!f.getValue().isEmpty() && !f.getValue().contains(want)) {
                throw ApiException.invalid("invalid_" + f.getKey(), f.getKey() + " '" + want + "' is not known: use one of "
                        + String.join(", ", new TreeSet<>(f.getValue())) + ".");
            }
            String field = f.getKey();
            Predicate<JsonNode> one = n -> n.path(field).isValueNode() && want.equals(n.path(field).asText());
            all = all == null ? one : all.and(one);
        }
        return all;
    }
}
