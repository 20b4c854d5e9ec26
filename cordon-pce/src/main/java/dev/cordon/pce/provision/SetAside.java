package dev.cordon.pce.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Workloads;
import dev.cordon.pce.events.Events;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * Live workloads the engine cannot compile — stored before today's checks existed, or written by a path that
 * raced them — are set aside instead of failing the whole org: they are left out of every compiled document, an
 * event {@code workload.policy_excluded} says so once per node and stored version of the workload, and the
 * workload shows why in {@code policy_conditions}. Fixing the workload (PUT) or unpairing its VEN ends it.
 *
 * <p>The event is recorded off the caller's thread: the check runs inside provisioning and engine rebuilds, whose
 * transaction or locks must neither carry nor wait for it.
 */
public final class SetAside {
    public static final String EVENT = "workload.policy_excluded";
    public static final String TOKEN = "workload_excluded_from_policy";

    /** The result for one stored workload: the parsed workload when it compiles, else the problems. */
    public record Verdict(Workload workload, List<ValidationError> problems) {
        public boolean compiles() {
            return problems.isEmpty();
        }
    }

    private record Seen(JsonNode stored, Verdict verdict) {}

    private final Store store;
    private final Events events;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** One thread at most, and none while idle: a stopped PCE leaves nothing behind. */
    private final ExecutorService recorder = new java.util.concurrent.ThreadPoolExecutor(0, 1, 10,
            java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "cordon-set-aside-events");
                t.setDaemon(true);
                return t;
            });

    public SetAside(Store store, Events events) {
        this.store = store;
        this.events = events;
    }

    /**
     * The verdict on a stored workload (without its computed fields), remembered while the stored object stays the
     * same; {@code labels} finds a label by href (null when it does not exist).
     */
    public Verdict verdict(int org, String href, JsonNode stored, Function<String, Label> labels) {
        Seen s = seen.get(href);
        if (s != null && s.stored().equals(stored)) return s.verdict();
        Verdict v = judge(stored, labels);
        seen.put(href, new Seen(stored, v));
        if (!v.compiles()) record(org, href, v.problems()); // once per stored version of it, on this node
        return v;
    }

    /** The verdict with labels read from the store (for views; provisioning passes its own label index). */
    public Verdict verdict(int org, String href, JsonNode stored) {
        return verdict(org, href, stored, h -> store.objects().get(org, "label", h)
                .map(b -> Json.convert(Json.parse(b), Label.class, "label")).orElse(null));
    }

    /** {@code policy_conditions} of a workload as shown: empty, or one entry saying why it is left out. */
    public ArrayNode conditions(int org, String href, JsonNode stored) {
        ArrayNode out = Json.array();
        Verdict v = verdict(org, href, stored);
        if (v.compiles()) return out;
        ObjectNode c = out.addObject().put("token", TOKEN).put("message", "This workload is left out of compiled"
                + " policy (rules neither use nor protect it, its VEN gets no new policy) because the engine cannot"
                + " compile it: " + summary(v.problems()) + ". Fix it with PUT, or unpair its VEN.");
        ArrayNode errors = c.putArray("errors");
        v.problems().forEach(e -> errors.addObject().put("token", e.token()).put("message", e.message()));
        return out;
    }

    /** The org's stored workloads that are set aside now (as of the last {@link #verdict} on each). */
    public java.util.Set<String> excluded(int org) {
        String prefix = "/orgs/" + org + "/";
        java.util.Set<String> out = new java.util.HashSet<>();
        seen.forEach((href, s) -> {
            if (href.startsWith(prefix) && !s.verdict().compiles()) out.add(href);
        });
        return out;
    }

    /**
     * The document without rules' references to set-aside workloads: such a workload has no addresses in policy,
     * so an actor naming it selects nothing; a rule left with no consumers or no providers selects nothing and is
     * left out. Without this, one rule naming a set-aside workload by href would make the whole document invalid.
     * Stored rule sets keep the reference: once the workload is fixed, the rule applies again.
     */
    public static dev.cordon.policy.model.PolicyDocument withoutReferencesTo(
            dev.cordon.policy.model.PolicyDocument doc, java.util.Set<String> hrefs) {
        if (hrefs.isEmpty()) return doc;
        List<dev.cordon.policy.model.RuleSet> sets = new java.util.ArrayList<>();
        for (var rs : doc.ruleSetsOrEmpty()) {
            sets.add(rs.withRules(without(rs.rulesOrEmpty(), hrefs), without(rs.denyRulesOrEmpty(), hrefs)));
        }
        return doc.withRuleSets(sets);
    }

    private static List<dev.cordon.policy.model.Rule> without(List<dev.cordon.policy.model.Rule> rules,
                                                              java.util.Set<String> hrefs) {
        List<dev.cordon.policy.model.Rule> out = new java.util.ArrayList<>();
        for (var r : rules) {
            var providers = actorsWithout(r.providersOrEmpty(), hrefs);
            var consumers = actorsWithout(r.consumersOrEmpty(), hrefs);
            if (providers.size() == r.providersOrEmpty().size() && consumers.size() == r.consumersOrEmpty().size()) {
                out.add(r);
            } else if (!(providers.isEmpty() && !r.providersOrEmpty().isEmpty())
                    && !(consumers.isEmpty() && !r.consumersOrEmpty().isEmpty())) {
                out.add(r.withActors(providers, consumers));
            }
        }
        return out;
    }

    private static List<dev.cordon.policy.model.Actor> actorsWithout(List<dev.cordon.policy.model.Actor> actors,
                                                                     java.util.Set<String> hrefs) {
        return actors.stream().filter(a -> a.workload() == null || !hrefs.contains(a.workload().href())).toList();
    }

    /** Forgets workloads no longer stored (only this org's: {@code present} holds its current hrefs). */
    void retain(int org, java.util.Set<String> present) {
        String prefix = "/orgs/" + org + "/";
        seen.keySet().removeIf(h -> h.startsWith(prefix) && !present.contains(h));
    }

    private static Verdict judge(JsonNode stored, Function<String, Label> labels) {
        ObjectNode n = ((ObjectNode) stored).deepCopy();
        n.remove(Workloads.READ_ONLY.stream().filter(f -> !f.equals("managed") && !f.equals("ven")).toList());
        Workload w;
        try {
            w = Json.convert(n, Workload.class, "workload");
        } catch (ApiException e) {
            return new Verdict(null, e.errors());
        }
        List<Label> found = new java.util.ArrayList<>();
        for (var r : w.labelsOrEmpty()) {
            Label l = r.href() == null ? null : labels.apply(r.href());
            if (l != null) found.add(l);
        }
        List<ValidationError> problems;
        try {
            problems = Workloads.problems(w, found);
        } catch (RuntimeException e) {
            problems = List.of(new ValidationError("workload_unreadable", "the engine failed on it (" + e + ")"));
        }
        return problems.isEmpty() ? new Verdict(w, List.of()) : new Verdict(null, problems);
    }

    private void record(int org, String href, List<ValidationError> problems) {
        recorder.execute(() -> {
            try {
                ObjectNode info = Json.object().put("workload", href);
                ArrayNode errors = info.putArray("errors");
                problems.forEach(e -> errors.addObject().put("token", e.token()).put("message", e.message()));
                events.record(org, EVENT, "err", "failure", Json.object().set("system", Json.object()),
                        List.of(), info);
            } catch (RuntimeException e) {
                // the store is away (shutting down): the condition on the workload still tells the story
            }
        });
    }

    private static String summary(List<ValidationError> problems) {
        StringBuilder b = new StringBuilder();
        for (ValidationError e : problems) {
            if (b.length() > 0) b.append("; ");
            b.append(e.token()).append(": ").append(e.message());
        }
        return b.toString();
    }
}
