package dev.cordon.dataplane.iptables.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Tables of one family that go to one {@code iptables-restore} call: consecutive tables (in apply order) that share
 * the flush mode. One call instead of one per table spares a process per table; the tools still commit table by
 * table, at each {@code COMMIT}, so a refused line names the table that failed and the ones committed before it.
 *
 * @param tables the tables, in the order of {@code text}
 * @param starts the 1-based input line each table's section starts at
 */
record RestoreBatch(List<String> tables, List<Integer> starts, String text, boolean noflush) {
    RestoreBatch {
        tables = List.copyOf(tables);
        starts = List.copyOf(starts);
    }

    /** The batches for {@code scripts} (table → restore text), walking {@code order}; a table without a script is skipped. */
    static List<RestoreBatch> of(List<String> order, Map<String, String> scripts, Predicate<String> noflush) {
        List<RestoreBatch> out = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int line = 1;
        Boolean mode = null;
        for (String table : order) {
            String script = scripts.get(table);
            if (script == null) continue;
            boolean nf = noflush.test(table);
            if (mode != null && mode != nf) {
                out.add(new RestoreBatch(tables, starts, text.toString(), mode));
                tables = new ArrayList<>();
                starts = new ArrayList<>();
                text = new StringBuilder();
                line = 1;
            }
            mode = nf;
            tables.add(table);
            starts.add(line);
            text.append(script);
            line += (int) script.chars().filter(c -> c == '\n').count();
        }
        if (mode != null) out.add(new RestoreBatch(tables, starts, text.toString(), mode));
        return out;
    }

    /** The index of the table whose section holds input line {@code line}, or -1 when the line is not known. */
    private int indexAt(int line) {
        if (line <= 0) return -1;
        int at = -1;
        for (int i = 0; i < starts.size() && starts.get(i) <= line; i++) at = i;
        return at;
    }

    /** The table the refused input line belongs to; all of them, comma-separated, when the tool named no line. */
    String tableAt(int line) {
        int i = indexAt(line);
        return i >= 0 ? tables.get(i) : String.join(", ", tables);
    }

    /**
     * The tables committed before the one refused at {@code line}; when the tool named no line, all of them (putting
     * an untouched table back to its live text changes nothing).
     */
    List<String> committedBefore(int line) {
        int i = indexAt(line);
        return i >= 0 ? tables.subList(0, i) : tables;
    }
}
