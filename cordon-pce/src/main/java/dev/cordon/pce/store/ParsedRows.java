package dev.cordon.pce.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Objects of one kind parsed from their stored text, kept with that text: a row whose text is unchanged is not
 * parsed again. Under a mixed write load the engines re-read every label and IP list after each write to one of
 * them; parsing all of them each time (JSON, then the record) was most of that cost.
 *
 * The periodic sweeps over every VEN and workload ({@code pce.ven.OfflineSweep}, {@code Heartbeats.check}) read
 * them the same way.
 *
 * <p>The parsed values are handed to several readers: immutable records, or JSON trees that every reader treats as
 * read-only (copy before changing one). Threads: any;
 * the maps are concurrent, and two threads parsing the same new text at once both get an equal value. Entries of
 * deleted objects are dropped once they outnumber the live ones.
 */
public final class ParsedRows<T> {
    private record Parsed<T>(String body, T value) {}

    private final Function<String, T> parse;
    private final Map<Integer, Map<String, Parsed<T>>> byOrg = new ConcurrentHashMap<>();

    public ParsedRows(Function<String, T> parse) {
        this.parse = parse;
    }

    /** The rows' values in the rows' order. */
    public List<T> of(int org, List<Row> rows) {
        Map<String, Parsed<T>> cache = byOrg.computeIfAbsent(org, o -> new ConcurrentHashMap<>());
        List<T> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Parsed<T> p = cache.get(r.href());
            if (p == null || !p.body().equals(r.body())) {
                p = new Parsed<>(r.body(), parse.apply(r.body()));
                cache.put(r.href(), p);
            }
            out.add(p.value());
        }
        if (cache.size() > 2 * rows.size() + 64) {
            Set<String> live = new HashSet<>();
            for (Row r : rows) live.add(r.href());
            cache.keySet().retainAll(live);
        }
        return out;
    }
}
