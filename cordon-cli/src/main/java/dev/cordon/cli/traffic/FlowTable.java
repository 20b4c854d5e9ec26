package dev.cordon.cli.traffic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Flow records as a readable table: source, destination, service, the reporting end ({@code flow_direction}), the
 * decision and its deciding rule ({@code sec_rules/2 in 'shop'}, {@code (mode default)} when no rule decided, the
 * reason for {@code unknown}), connections and last seen. Columns are as wide as their widest cell; rows are sorted by
 * source, destination, service and direction, so the same flows print the same table.
 */
public final class FlowTable {
    private static final List<String> HEADER = List.of("SOURCE", "DESTINATION", "SERVICE", "REPORTED", "DECISION",
            "RULE", "CONNS", "LAST SEEN");
    private static final Comparator<TrafficRecord> ORDER = Comparator.comparing(TrafficRecord::srcIp)
            .thenComparing(TrafficRecord::dstIp).thenComparing(TrafficRecord::proto)
            .thenComparing(r -> r.port() == null ? -1 : r.port()).thenComparing(TrafficRecord::direction)
            .thenComparing(TrafficRecord::decision).thenComparing(r -> r.state() == null ? "" : r.state());

    private final Function<String, String> ruleSetName;

    /** {@code ruleSetName}: the name of the rule set with this href, or null when it cannot be told. */
    public FlowTable(Function<String, String> ruleSetName) {
        this.ruleSetName = ruleSetName;
    }

    /** The table, each line prefixed by {@code indent}, ending with a newline. */
    public String render(List<TrafficRecord> records, String indent) {
        List<TrafficRecord> sorted = new ArrayList<>(records);
        sorted.sort(ORDER);
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (TrafficRecord r : sorted) {
            rows.add(List.of(end(r.srcIp(), r.srcName()), end(r.dstIp(), r.dstName()), r.service(),
                    r.direction().equals("inbound") ? "by dst" : r.direction().equals("outbound") ? "by src" : r.direction(),
                    r.decision(), rule(r), Long.toString(r.connections()), lastSeen(r)));
        }
        int[] width = new int[HEADER.size()];
        for (List<String> row : rows) for (int i = 0; i < row.size(); i++) width[i] = Math.max(width[i], row.get(i).length());
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < row.size() - 1) line.append(" ".repeat(width[i] - cell.length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private static String end(String ip, String name) {
        return name == null ? ip : name + " (" + ip + ")";
    }

    /** {@code sec_rules/2 in 'shop'}, {@code deny_rules/1 in 'shop'}, {@code (mode default)}, {@code (reason)}. */
    String rule(TrafficRecord r) {
        if (r.ruleHref() == null) {
            if (r.decision().equals("unknown")) return "(" + (r.reason() == null ? "not decided by Cordon" : r.reason()) + ")";
            return "(mode default)";
        }
        // /orgs/1/sec_policy/5/rule_sets/3/sec_rules/7: the rule set is everything before "/sec_rules/7"
        String href = r.ruleHref();
        int rs = href.indexOf("/rule_sets/");
        int ruleAt = rs < 0 ? -1 : href.indexOf('/', rs + "/rule_sets/".length());
        if (ruleAt < 0) return href;
        String name = ruleSetName.apply(href.substring(0, ruleAt));
        return name == null ? href.substring(rs + 1) : href.substring(ruleAt + 1) + " in '" + name + "'";
    }

    private static String lastSeen(TrafficRecord r) {
        String t = r.lastSeen();
        if (t == null) return "";
        // seconds are enough to read; the JSON output keeps the full timestamp
        int dot = t.indexOf('.');
        return dot > 0 && t.endsWith("Z") ? t.substring(0, dot) + "Z" : t;
    }
}
