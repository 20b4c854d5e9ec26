package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.Rules;
import java.util.List;
import java.util.stream.Collectors;

/** A flow as one CSV line (RFC 4180 quoting; a leading =, +, - or @ is quoted with ' so spreadsheets do not run it). */
final class Csv {
    static final String HEADER = "first_detected,last_detected,source_ip,source_workload,source_labels,source_ip_lists,"
            + "destination_ip,destination_workload,destination_labels,destination_ip_lists,service,connections,"
            + "flow_direction,policy_decision,rule_set,rule,draft_policy_decision,draft_rule_set,draft_rule\n";

    private Csv() {}

    static String line(FlowRow f, Rules rules) {
        List<String> cells = List.of(f.firstSeen(), f.lastSeen(), f.src().ip(), nz(f.src().name()), labels(f.src()),
                String.join(" ", f.src().ipLists()), f.dst().ip(), nz(f.dst().name()), labels(f.dst()),
                String.join(" ", f.dst().ipLists()), f.service(), Long.toString(f.connections()), f.direction(),
                f.decision(), f.rule() == null ? "" : rules.ruleSetName(ExplorerView.toDraft(f.rule())), nz(f.rule()),
                nz(f.draftDecision()), f.draftRule() == null ? "" : rules.ruleSetName(f.draftRule()), nz(f.draftRule()));
        return cells.stream().map(Csv::cell).collect(Collectors.joining(",")) + "\n";
    }

    private static String labels(FlowRow.End e) {
        return e.labels().stream().map(FlowRow.Label::text).collect(Collectors.joining(" "));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    static String cell(String s) {
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || !v.equals(s)) return "\"" + v.replace("\"", "\"\"") + "\"";
        return v;
    }
}
