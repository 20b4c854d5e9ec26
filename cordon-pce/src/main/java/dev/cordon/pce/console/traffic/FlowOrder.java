package dev.cordon.pce.console.traffic;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The Explorer's sortable columns, and a page of rows in the chosen order. */
final class FlowOrder {
    static final int PAGE = 50;
    static final Map<String, Comparator<FlowRow>> COLUMNS = Map.of(
            "source", Comparator.comparing((FlowRow f) -> f.src().display()),
            "destination", Comparator.comparing((FlowRow f) -> f.dst().display()),
            "service", Comparator.comparing((FlowRow f) -> f.port() == null ? -1 : f.port()).thenComparing(FlowRow::proto),
            "connections", Comparator.comparingLong(FlowRow::connections),
            "decision", Comparator.comparing(FlowRow::decision),
            "draft", Comparator.comparing((FlowRow f) -> f.draftDecision() == null ? "" : f.draftDecision()),
            "first", Comparator.comparing(FlowRow::firstSeen),
            "last", Comparator.comparing(FlowRow::lastSeen));

    private FlowOrder() {}

    /** The column to sort by (last seen when none or unknown). */
    static String column(String asked) {
        return asked != null && COLUMNS.containsKey(asked) ? asked : "last";
    }

    /** Rows {@code [page*PAGE, (page+1)*PAGE)} of {@code rows} sorted by {@code column}, descending unless {@code asc}. */
    static List<FlowRow> page(List<FlowRow> rows, String column, boolean asc, int page) {
        Comparator<FlowRow> c = COLUMNS.get(column(column));
        if (!asc) c = c.reversed();
        // ties keep a stable, meaningful order: newest first
        c = c.thenComparing(FlowRow::lastSeen, Comparator.reverseOrder()).thenComparing(f -> f.src().ip()).thenComparing(f -> f.dst().ip());
        int from = Math.min(rows.size(), Math.max(0, page) * PAGE);
        return rows.stream().sorted(c).skip(from).limit(PAGE).toList();
    }

    static int pages(int rows) {
        return Math.max(1, (rows + PAGE - 1) / PAGE);
    }
}
