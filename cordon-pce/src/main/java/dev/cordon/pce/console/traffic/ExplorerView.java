package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.ApiClient;
import dev.cordon.pce.console.infra.Pick;
import dev.cordon.pce.console.infra.Rules;
import java.util.List;

/** What the Explorer template shows: the picks, the page of flows, sort and page links, and names for rules. */
public final class ExplorerView {
    private final FlowFilters filters;
    private final Answer answer;
    private final String sort;
    private final boolean asc;
    private final int page;
    private final Rules rules;

    ExplorerView(FlowFilters filters, Answer answer, String sort, String dir, String page, Rules rules) {
        this.filters = filters;
        this.answer = answer;
        this.sort = FlowOrder.column(sort);
        this.asc = "asc".equals(dir);
        int n;
        try {
            n = page == null ? 0 : Integer.parseInt(page) - 1;
        } catch (NumberFormatException e) {
            n = 0;
        }
        this.page = Math.max(0, answer == null ? 0 : Math.min(n, FlowOrder.pages(answer.rows().size()) - 1));
        this.rules = rules;
    }

    public List<Pick> picks(String side) {
        return filters.picks.getOrDefault(side, List.of());
    }

    public boolean decided(String d) {
        return filters.decisions.contains(d);
    }

    public String range() {
        return filters.range;
    }

    public String start() {
        return filters.start;
    }

    public String end() {
        return filters.end;
    }

    public boolean hasAnswer() {
        return answer != null;
    }

    public List<FlowRow> rows() {
        return answer == null ? List.of() : FlowOrder.page(answer.rows(), sort, asc, page);
    }

    public long matches() {
        return answer == null ? 0 : answer.matches();
    }

    /** Flows the view holds (the cap when more matched). */
    public int held() {
        return answer == null ? 0 : answer.rows().size();
    }

    public boolean capped() {
        return answer != null && answer.matches() > answer.rows().size();
    }

    public int cap() {
        return Explorer.CAP;
    }

    public int page() {
        return page + 1;
    }

    public int pages() {
        return answer == null ? 1 : FlowOrder.pages(answer.rows().size());
    }

    public int firstRow() {
        return held() == 0 ? 0 : page * FlowOrder.PAGE + 1;
    }

    public int lastRow() {
        return Math.min(held(), (page + 1) * FlowOrder.PAGE);
    }

    public String params() {
        return filters.params();
    }

    public String pageLink(int n) {
        return "/console/traffic?" + with("sort=" + sort + "&dir=" + (asc ? "asc" : "desc") + "&page=" + n);
    }

    /** The header link: sort by the column, or flip the order when it is the sort column already. */
    public String sortLink(String column) {
        boolean nextAsc = column.equals(sort) ? !asc : !List.of("connections", "first", "last").contains(column);
        return "/console/traffic?" + with("sort=" + column + "&dir=" + (nextAsc ? "asc" : "desc"));
    }

    /** {@code ascending}, {@code descending} or {@code none}, for aria-sort. */
    public String ariaSort(String column) {
        return !column.equals(sort) ? "none" : asc ? "ascending" : "descending";
    }

    public String arrow(String column) {
        return !column.equals(sort) ? "" : asc ? " ▲" : " ▼";
    }

    public String csvLink() {
        return "/console/traffic/csv" + (params().isEmpty() ? "" : "?" + params());
    }

    public String rerunLink() {
        return "/console/traffic?" + with("rerun=1");
    }

    private String with(String extra) {
        String p = params();
        return p.isEmpty() ? extra : p + "&" + extra;
    }

    /** A link to the Explorer for the flows of one workload (as source or destination). */
    public static String workloadFlows(String workloadHref, String side) {
        return "/console/traffic?" + side + "=" + ApiClient.enc("workload:" + workloadHref);
    }

    /** The console page of a workload. */
    public static String workloadLink(String workloadHref) {
        return "/console/workloads/" + workloadHref.substring(workloadHref.lastIndexOf('/') + 1);
    }

    public String ruleLink(String href) {
        return href == null ? "" : rules.link(href);
    }

    /** "allow · rule set 'shop' · role=web → role=db · tcp/5432", or the href when the draft no longer has it. */
    public String ruleText(String href) {
        if (href == null) return "";
        String d = toDraft(href);
        String summary = rules.summary(d);
        if (summary.equals(d)) return "rule no longer in the draft (" + href + ")";
        return rules.kind(d) + " · '" + rules.ruleSetName(d) + "' · " + summary;
    }

    public String ruleSet(String href) {
        return href == null ? "" : rules.ruleSetName(toDraft(href));
    }

    public String ruleKind(String href) {
        return href == null ? "" : rules.kind(toDraft(href));
    }

    public static String decisionText(String d) {
        return d == null ? "—" : d.replace('_', ' ');
    }

    /** "2026-12-02 06:40:12" from an RFC 3339 time (UTC). */
    public static String when(String t) {
        if (t == null || t.length() < 19) return t == null ? "" : t;
        return t.substring(0, 10) + " " + t.substring(11, 19);
    }

    public static String rangeText(String range) {
        return switch (range) {
            case "1h" -> "Last hour";
            case "24h" -> "Last 24 hours";
            case "7d" -> "Last 7 days";
            case "30d" -> "Last 30 days";
            case "90d" -> "Last 90 days";
            default -> "From … to …";
        };
    }

    public static String columnText(String column) {
        return switch (column) {
            case "source" -> "Source";
            case "destination" -> "Destination";
            case "service" -> "Service";
            case "connections" -> "Connections";
            case "decision" -> "Reported decision";
            case "draft" -> "Draft decision";
            case "first" -> "First seen";
            default -> "Last seen";
        };
    }

    static String toDraft(String href) {
        return href.replaceFirst("/sec_policy/(active|\\d+)/", "/sec_policy/draft/");
    }
}
