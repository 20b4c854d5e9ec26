package dev.cordon.pce.console.traffic;

import dev.cordon.pce.console.infra.Req;
import dev.cordon.pce.traffic.generator.ObservedFlow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Flows of a time window from the Explorer API, as rows, for the pages that read observed traffic. */
final class Observed {
    private Observed() {}

    /** Every flow of the last {@code range} (a preset of the Explorer) that {@code keep} keeps, with the draft decision. */
    static List<FlowRow> window(Req r, Instant now, String range, Predicate<FlowRow> keep) {
        Instant end = FlowFilters.window(now);
        Instant start = end.minus(FlowFilters.RANGES.getOrDefault(range, FlowFilters.RANGES.get("24h")));
        List<FlowRow> out = new ArrayList<>();
        TrafficRuns.run(r, TrafficRuns.window(start.toString(), end.toString(), Integer.MAX_VALUE), true, n -> {
            FlowRow f = FlowRow.of(n);
            if (keep.test(f)) out.add(f);
        });
        return out;
    }

    /** A row as the Policy Generator reads it: the draft decision when the API computed one, else the reported one. */
    static ObservedFlow toGenerator(FlowRow f) {
        return new ObservedFlow(end(f.src()), end(f.dst()), f.proto(), f.port(), f.connections(), f.direction(),
                f.decision(true));
    }

    private static ObservedFlow.End end(FlowRow.End e) {
        List<ObservedFlow.Label> labels = new ArrayList<>();
        for (FlowRow.Label l : e.labels()) labels.add(new ObservedFlow.Label(l.href(), l.key(), l.value()));
        return new ObservedFlow.End(e.ip(), e.workload(), labels);
    }
}
