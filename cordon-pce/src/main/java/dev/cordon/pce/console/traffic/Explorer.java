package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.Page;
import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.console.infra.Rules;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic › Explorer: the Explorer API's filters (sources, destinations and their exclusions as label, label group,
 * workload, IP list and address picks; services; decisions; time range), the answer sorted and paged on the server,
 * each flow with the reported decision and rule beside the draft policy's, and the same query as CSV.
 */
public final class Explorer {
    /** The most flows one console view holds (sorted and paged here); CSV export has no such cap. */
    static final int CAP = 10_000;
    static final long CSV_CAP = 1_000_000;

    private final Recent<Answer> answers = new Recent<>();
    private final Clock clock;

    public Explorer(Clock clock) {
        this.clock = clock;
    }

    public void show(Req r) {
        FlowFilters f = FlowFilters.read(r, clock.instant());
        Page p = r.page("Explorer", "traffic").form(f.form);
        Answer a = null;
        if (!f.form.hasErrors()) {
            var query = f.query(CAP);
            if (!f.form.hasErrors()) {
                a = answers.get(r.session.csrf, f.key());
                if (a == null || r.ctx.queryParam("rerun") != null) {
                    try {
                        List<FlowRow> rows = new ArrayList<>();
                        long matches = TrafficRuns.run(r, query, true, n -> rows.add(FlowRow.of(n)));
                        a = new Answer(List.copyOf(rows), matches);
                        answers.put(r.session.csrf, f.key(), a);
                    } catch (TrafficRuns.Refused e) {
                        f.form.errors(e.errors, FlowFilters.FIELDS);
                    }
                }
            }
        }
        p.with("view", new ExplorerView(f, a, r.ctx.queryParam("sort"), r.ctx.queryParam("dir"), r.ctx.queryParam("page"),
                new Rules(r, "draft")));
        // a filter is a query, not a change: the page answers 200 with the message beside its field, so htmx swaps it in
        r.render("traffic", p);
    }

    /** The same query as CSV, streamed from the API's download row by row. */
    public void csv(Req r) {
        FlowFilters f = FlowFilters.read(r, clock.instant());
        var query = f.query(CSV_CAP);
        if (f.form.hasErrors()) {
            r.ctx.status(422).contentType("text/plain; charset=utf-8").result("The filters are not valid: open the"
                    + " Explorer with them to see what is wrong.");
            return;
        }
        Rules rules = new Rules(r, "draft");
        r.ctx.status(200).contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"cordon-flows.csv\"");
        OutputStream out = r.ctx.outputStream();
        write(out, Csv.HEADER);
        try {
            TrafficRuns.run(r, query, true, n -> write(out, Csv.line(FlowRow.of(n), rules)));
        } catch (TrafficRuns.Refused e) {
            write(out, "# " + e.getMessage() + "\n");
        }
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
