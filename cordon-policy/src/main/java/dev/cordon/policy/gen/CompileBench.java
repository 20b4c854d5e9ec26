package dev.cordon.policy.gen;

import dev.cordon.policy.compile.CompiledOrg;
import dev.cordon.policy.compile.Compiler;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.Validator;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cordon bench compile}: generates an org, then measures load, validation, indexing, a full compile, and
 * incremental recomputes (one relabel, one added rule) against the full compile measured in the same run. Prints
 * one JSON line per measure. Incremental figures are the median of several repetitions after warm-up ones.
 */
public final class CompileBench {
    private CompileBench() {}

    public static void run(int workloads, int rules, long seed, PrintStream out) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
        long t0 = System.nanoTime();
        PolicyDocument generated = OrgGenerator.generate(workloads, rules, seed);
        String text = PolicyJson.write(generated);
        line(out, "generate", ms(t0), Map.of("workloads", workloads, "rules", rules, "seed", seed,
                "document_bytes", text.length()));

        long t1 = System.nanoTime();
        PolicyDocument doc = PolicyJson.readDocument(text);
        line(out, "load", ms(t1), Map.of("what", "parse the policy document JSON"));

        long t2 = System.nanoTime();
        var errors = Validator.validate(doc);
        line(out, "validate", ms(t2), Map.of("errors", errors.size()));
        if (!errors.isEmpty()) {
            throw new IllegalStateException("the generated org is invalid, so the figures would mean nothing: " + errors.get(0));
        }

        long t3 = System.nanoTime();
        Resolved resolved = Resolved.of(doc);
        line(out, "index", ms(t3), Map.of("rule_scopes", resolved.ruleScopes().size()));

        long t4 = System.nanoTime();
        CompiledOrg org = Compiler.compile(resolved);
        double full = ms(t4);
        CompiledOrg.Stats st = org.stats();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("policy_classes", st.classes());
        f.put("managed_workloads", st.managed());
        f.put("sets", st.sets());
        f.put("set_entries", st.setMembers());
        f.put("entries_total", st.entries());
        f.put("entries_per_workload", Math.round(st.entriesPerWorkload() * 10) / 10.0);
        f.put("entries_per_workload_max", st.maxEntriesPerWorkload());
        line(out, "full_compile", full, f);

        long t5 = System.nanoTime();
        int materialized = 0;
        for (int i = 0; i < Math.min(doc.workloadsOrEmpty().size(), 200); i++) {
            Workload w = doc.workloadsOrEmpty().get(i);
            if (w.isManaged()) {
                org.policyOf(w.href());
                materialized++;
            }
        }
        line(out, "firewall_policies", ms(t5), Map.of("workloads", materialized,
                "what", "assemble FirewallPolicy (sets as CIDR text, content hash) for the first managed workloads"));

        List<Double> relabels = new ArrayList<>();
        List<Double> relabelCpu = new ArrayList<>();
        // thread CPU time besides wall time: on a loaded machine a few-millisecond step waits longer for a core
        // than it runs, and only the CPU time says what the step costs
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Workload> ws = doc.workloadsOrEmpty();
        // the first 20 relabels warm the code up (as JMH's warm-up iterations do); the next 21 are measured
        for (int i = 0; i < 41; i++) {
            Workload w = ws.get((i * 7919) % ws.size());
            List<Ref> labels = new ArrayList<>(w.labelsOrEmpty());
            labels.set(0, Ref.of("/orgs/1/labels/" + (1 + (i % 8))));
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            org.relabel(w.href(), labels);
            if (i >= 20) {
                relabels.add(ms(t));
                relabelCpu.add((threads.getCurrentThreadCpuTime() - c) / 1e6);
            }
        }
        double relabel = median(relabels);
        line(out, "relabel_one_workload", relabel, Map.of("baseline_full_compile_ms", round(full),
                "ratio_to_full_compile", ratio(relabel, full), "repetitions", relabels.size(),
                "cpu_ms", round(median(relabelCpu))));

        List<Double> adds = new ArrayList<>();
        List<Double> addCpu = new ArrayList<>();
        String rsHref = doc.ruleSetsOrEmpty().get(doc.ruleSetsOrEmpty().size() / 2).href();
        // the first 5 added rules warm the code up; the next 21 are measured
        for (int i = 0; i < 26; i++) {
            Rule r = Rule.allow(rsHref + "/sec_rules/bench" + i, List.of(Actor.label("/orgs/1/labels/" + (1 + i % 8))),
                    List.of(Actor.label("/orgs/1/labels/" + (2 + i % 7))), List.of(ServiceRef.inline(6, 7000 + i, null)),
                    false, false);
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            org.addRule(rsHref, r, false);
            if (i >= 5) {
                adds.add(ms(t));
                addCpu.add((threads.getCurrentThreadCpuTime() - c) / 1e6);
            }
        }
        double add = median(adds);
        line(out, "add_one_rule", add, Map.of("baseline_full_compile_ms", round(full),
                "ratio_to_full_compile", ratio(add, full), "repetitions", adds.size(),
                "cpu_ms", round(median(addCpu))));

        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        }
        line(out, "peak_heap", 0, Map.of("bytes", peak, "mib", peak / (1024 * 1024),
                "max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024)));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        return s.get(s.size() / 2);
    }

    private static double ms(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double ratio(double part, double whole) {
        return Math.round(part / whole * 100000) / 100000.0;
    }

    private static void line(PrintStream out, String measure, double ms, Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bench", "compile");
        m.put("measure", measure);
        m.put("ms", round(ms));
        m.putAll(fields);
        out.println(PolicyJson.write(m));
        out.flush();
    }
}
