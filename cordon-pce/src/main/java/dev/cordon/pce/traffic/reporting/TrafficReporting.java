package dev.cordon.pce.traffic.reporting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.core.VisibilityLevels;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.policy.PolicyEngines;
import dev.cordon.pce.store.Store;
import dev.cordon.pce.ven.Agent;
import dev.cordon.pce.ven.HeartbeatAnswers;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.Workload;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.HeartbeatAnswer;
import dev.cordon.protocol.flows.FlowSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the PCE asks of each VEN's traffic reporting, told in the heartbeat answer of every VEN that reports traffic
 * ({@link HeartbeatAnswers}): the workload's {@code visibility_level} (its own field, set from the pairing profile at
 * activation; {@link VisibilityLevels#DEFAULT} when none is set) and, for a while after an operator asked
 * ({@code POST /orgs/{org}/workloads/set_flow_reporting_frequency}, Illumio's "increase traffic update rate"), a
 * faster upload interval: every {@link #FASTER_INTERVAL} for {@link #FASTER_FOR}, then the VEN's own interval again.
 * The VEN learns either at its next heartbeat (every {@code --heartbeat-interval}, 60 s by default).
 *
 * <p>Thread ownership: heartbeats on Jetty's request threads, concurrently; the per-org level map is swapped whole
 * when the active engine changes (an engine is immutable, its live workloads included).
 */
public final class TrafficReporting implements HeartbeatAnswers {
    public static final Duration FASTER_INTERVAL = Duration.ofSeconds(10);
    public static final Duration FASTER_FOR = Duration.ofMinutes(10);
    /** Illumio's bound for bulk workload operations. */
    static final int MAX_WORKLOADS = 1000;

    private final Store store;
    private final PolicyEngines policy;
    private final Events events;
    private final Clock clock;
    private final ReportRates rates;
    private final Map<Integer, Levels> levels = new java.util.concurrent.ConcurrentHashMap<>();

    /** The visibility level of each workload of one engine (only those that have one). */
    private record Levels(Engine engine, Map<String, String> byWorkload) {}

    public TrafficReporting(Store store, PolicyEngines policy, Events events, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.events = events;
        this.clock = clock;
        this.rates = new ReportRates(store.database(), clock);
    }

    @Override
    public Optional<HeartbeatAnswer> answer(Agent agent, Heartbeat heartbeat) {
        if (heartbeat.flowReporting() == null) return Optional.empty();
        return Optional.of(new HeartbeatAnswer(settings(agent.org(), agent.workloadHref())));
    }

    /** What the workload's VEN is asked to do now. */
    public FlowSettings settings(int org, String workloadHref) {
        String level = level(org, workloadHref);
        ReportRates.Rate r = rates.of(workloadHref);
        if (r == null) return new FlowSettings(level, null, null);
        long left = Math.max(1, (r.untilMillis() - clock.millis() + 999) / 1000);
        return new FlowSettings(level, r.intervalSeconds(), left);
    }

    private String level(int org, String workloadHref) {
        Engine e;
        try {
            e = policy.engine(org, "active");
        } catch (ApiException ex) {
            return levelStored(org, workloadHref); // no compilable active policy: ask the store
        }
        Levels l = levels.get(org);
        if (l == null || l.engine() != e) {
            Map<String, String> m = new HashMap<>();
            for (Workload w : e.document().workloadsOrEmpty()) {
                if (w.visibilityLevel() != null) m.put(w.href(), w.visibilityLevel());
            }
            l = new Levels(e, m);
            levels.put(org, l);
        }
        return l.byWorkload().getOrDefault(workloadHref, VisibilityLevels.DEFAULT);
    }

    private String levelStored(int org, String workloadHref) {
        return store.objects().get(org, Kind.WORKLOAD.kind(), workloadHref)
                .map(b -> Json.text(Json.parse(b), "visibility_level")).orElse(VisibilityLevels.DEFAULT);
    }

    /**
     * {@code {"workloads": [{"href": ...}, ...]}}: each a managed workload of the org (at most
     * {@value #MAX_WORKLOADS}); their VENs report every {@link #FASTER_INTERVAL} for the next {@link #FASTER_FOR}
     * (asking again starts the period again). Recorded as event {@code workloads.set_flow_reporting_frequency}.
     */
    public void increase(int org, JsonNode body, Principal by) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "The body is {\"workloads\": [{\"href\": \"/orgs/" + org
                    + "/workloads/<id>\"}, ...]}: the managed workloads whose VENs should report traffic faster.");
        }
        Json.onlyFields(body, Set.of("workloads"), "set_flow_reporting_frequency body");
        JsonNode list = body.get("workloads");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw ApiException.invalid("invalid_workloads", "workloads is a non-empty list of {\"href\": ...} of"
                    + " managed workloads, not " + (list == null ? "missing" : list.toString()) + ".");
        }
        if (list.size() > MAX_WORKLOADS) {
            throw ApiException.invalid("too_many_workloads", "workloads has " + list.size() + " entries; at most "
                    + MAX_WORKLOADS + " per request: send several requests.");
        }
        Set<String> hrefs = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode w = list.get(i);
            String at = "workloads[" + i + "]";
            if (!w.isObject() || !w.path("href").isTextual()) {
                throw ApiException.invalid("invalid_workloads", at + " must be {\"href\": \"/orgs/" + org
                        + "/workloads/<id>\"}, not " + w + ".");
            }
            Json.onlyFields(w, Set.of("href"), at);
            String href = w.get("href").asText();
            JsonNode stored = store.objects().get(org, Kind.WORKLOAD.kind(), href).map(Json::parse).orElse(null);
            if (stored == null) {
                throw ApiException.invalid("unknown_workload", at + ".href " + href + " is not a workload of org "
                        + org + ": GET /orgs/" + org + "/workloads lists them.");
            }
            if (!stored.path("managed").asBoolean(false)) {
                throw ApiException.invalid("workload_not_managed", at + ".href " + href + " is an unmanaged workload:"
                        + " only a workload with a VEN reports traffic.");
            }
            hrefs.add(href);
        }
        long until = clock.millis() + FASTER_FOR.toMillis();
        rates.set(org, new ArrayList<>(hrefs), (int) FASTER_INTERVAL.toSeconds(), until);
        ObjectNode info = Json.object().put("report_interval_seconds", FASTER_INTERVAL.toSeconds())
                .put("until", Json.format(java.time.Instant.ofEpochMilli(until)));
        ArrayNode ws = info.putArray("workloads");
        hrefs.forEach(h -> ws.addObject().put("href", h));
        events.record(org, "workloads.set_flow_reporting_frequency", "info", "success", by.eventActor(), List.of(), info);
    }
}
