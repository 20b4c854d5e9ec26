package dev.cordon.policy.properties;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.CompiledOrg;
import dev.cordon.policy.compile.Compiler;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.decide.Verdict;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.testing.FirewallEvaluator;
import dev.cordon.policy.testing.RandomPolicies;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The engine's three promises, over random policies (label groups, exclusions, several scopes, intra/extra scope,
 * IP lists with exclusions, port ranges, all four modes, IPv6): the compiled firewall policies decide exactly as
 * the oracle; document order changes nothing; an incremental recompute equals a full one (and the per-class digests
 * that let the PCE compare and serialise per class agree with the full policies). Tries come from
 * {@code jqwik.tries.default} (1,000 in the build).
 */
class CompiledPolicyProperties {

    @Property
    void compiledPoliciesOfBothEndsDecideExactlyAsTheOracle(@ForAll long seed) {
        Random r = new Random(seed);
        PolicyDocument doc = RandomPolicies.generate(r);
        Engine engine = Engine.of(doc);
        Map<String, FirewallPolicy> byAddress = new LinkedHashMap<>();
        for (Workload w : doc.workloadsOrEmpty()) {
            if (!w.isManaged()) continue;
            FirewallPolicy p = engine.compile(w.href(), 1);
            w.interfacesOrEmpty().forEach(i -> byAddress.put(i.address(), p));
        }
        for (Flow f : RandomPolicies.flows(r, doc, 25)) {
            Decision d = engine.explain(f);
            Verdict src = byAddress.containsKey(f.src()) ? FirewallEvaluator.verdict(byAddress.get(f.src()), f, false)
                    : Verdict.NOT_ENFORCED;
            Verdict dst = byAddress.containsKey(f.dst()) ? FirewallEvaluator.verdict(byAddress.get(f.dst()), f, true)
                    : Verdict.NOT_ENFORCED;
            assertThat(src).as("source verdict of %s (seed %d)", f, seed).isEqualTo(d.source().verdict());
            assertThat(dst).as("destination verdict of %s (seed %d)", f, seed).isEqualTo(d.destination().verdict());
            assertThat(d.allowed()).isEqualTo(src != Verdict.BLOCKED && dst != Verdict.BLOCKED);
        }
    }

    @Property
    void shufflingTheDocumentsArraysChangesNoOutput(@ForAll long seed) {
        Random r = new Random(seed);
        PolicyDocument doc = RandomPolicies.generate(r);
        PolicyDocument shuffled = shuffle(doc, new Random(seed ^ 0x5DEECE66DL));
        Engine a = Engine.of(doc);
        Engine b = Engine.of(shuffled);
        for (Workload w : doc.workloadsOrEmpty()) {
            if (!w.isManaged()) continue;
            assertThat(PolicyJson.write(b.compile(w.href(), 1))).as("policy of %s", w.name())
                    .isEqualTo(PolicyJson.write(a.compile(w.href(), 1)));
        }
        for (Flow f : RandomPolicies.flows(r, doc, 15)) {
            assertThat(PolicyJson.write(b.explain(f))).isEqualTo(PolicyJson.write(a.explain(f)));
        }
        assertThat(PolicyJson.write(b.conflicts())).isEqualTo(PolicyJson.write(a.conflicts()));
    }

    @Property
    void incrementalRecomputeEqualsAFullOne(@ForAll long seed) {
        Random r = new Random(seed);
        PolicyDocument doc = RandomPolicies.generate(r);
        Engine.of(doc);
        CompiledOrg incremental = Compiler.compile(Resolved.of(doc));
        List<Workload> ws = new ArrayList<>(doc.workloadsOrEmpty());
        // one relabel
        int victim = r.nextInt(ws.size());
        List<Ref> newLabels = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            if (r.nextInt(3) == 0) newLabels.add(Ref.of("/orgs/1/labels/" + i));
        }
        Map<String, Ref> oneLabelPerKey = new LinkedHashMap<>();
        for (Ref l : newLabels) oneLabelPerKey.putIfAbsent(keyOf(doc, l), l);
        newLabels = new ArrayList<>(oneLabelPerKey.values());
        ws.set(victim, ws.get(victim).withLabels(newLabels));
        PolicyDocument relabelled = doc.withWorkloads(ws);
        incremental.relabel(ws.get(victim).href(), newLabels);
        assertSameAsFull(incremental, relabelled, "after relabelling " + ws.get(victim).name());
        // one added rule
        RuleSet target = relabelled.ruleSetsOrEmpty().get(r.nextInt(relabelled.ruleSetsOrEmpty().size()));
        boolean deny = r.nextBoolean();
        Rule added = deny
                ? Rule.deny(target.href() + "/deny_rules/999", List.of(Actor.label("/orgs/1/labels/" + (1 + r.nextInt(9)))),
                        List.of(Actor.ams()), List.of(ServiceRef.inline(6, 8080, null)), r.nextBoolean(), r.nextBoolean())
                : Rule.allow(target.href() + "/sec_rules/999", List.of(Actor.label("/orgs/1/labels/" + (1 + r.nextInt(9)))),
                        List.of(Actor.ipList("/orgs/1/sec_policy/draft/ip_lists/2")), List.of(ServiceRef.inline(6, 8080, null)),
                        true, false);
        List<RuleSet> sets = new ArrayList<>();
        for (RuleSet rs : relabelled.ruleSetsOrEmpty()) {
            if (!rs.href().equals(target.href())) {
                sets.add(rs);
                continue;
            }
            List<Rule> allows = new ArrayList<>(rs.rulesOrEmpty());
            List<Rule> denies = new ArrayList<>(rs.denyRulesOrEmpty());
            (deny ? denies : allows).add(added);
            sets.add(new RuleSet(rs.href(), rs.name(), rs.enabled(), rs.description(), rs.scopes(), allows, denies,
                    rs.ipTablesRules(), null, null, null, null, null, null));
        }
        PolicyDocument withRule = relabelled.withRuleSets(sets);
        incremental.addRule(target.href(), added, deny);
        assertSameAsFull(incremental, withRule, "after adding " + added.href());
    }

    @Property
    void policyBasesAgreeWithTheCompiledPolicies(@ForAll long seed) {
        Random r = new Random(seed);
        PolicyDocument doc = RandomPolicies.generate(r);
        List<Workload> ws = new ArrayList<>(doc.workloadsOrEmpty());
        int victim = r.nextInt(ws.size());
        ws.set(victim, ws.get(victim).withLabels(ws.get(r.nextInt(ws.size())).labelsOrEmpty()));
        CompiledOrg a = Engine.of(doc).compileAll();
        CompiledOrg b = Engine.of(doc.withWorkloads(ws)).compileAll();
        for (Workload w : doc.workloadsOrEmpty()) {
            if (!w.isManaged()) continue;
            FirewallPolicy pw = a.policyOf(w.href());
            assertThat(a.samePolicy(w.href(), b)).as("same policy of %s (seed %d)", w.name(), seed)
                    .isEqualTo(pw.hash().equals(b.policyOf(w.href()).hash()));
            for (Workload v : doc.workloadsOrEmpty()) {
                if (!v.isManaged() || !a.basisOf(v.href()).bodyDigest().equals(a.basisOf(w.href()).bodyDigest())) continue;
                FirewallPolicy pv = a.policyOf(v.href());
                assertThat(List.of(pv.enforcementMode(), pv.coexistence(), pv.sets(), pv.inbound(), pv.outbound(),
                        pv.customIptables())).as("%s and %s share a body digest (seed %d)", v.name(), w.name(), seed)
                        .isEqualTo(List.of(pw.enforcementMode(), pw.coexistence(), pw.sets(), pw.inbound(),
                                pw.outbound(), pw.customIptables()));
            }
        }
    }

    private static String keyOf(PolicyDocument doc, Ref label) {
        return doc.labelsOrEmpty().stream().filter(l -> l.href().equals(label.href())).findFirst().orElseThrow().key();
    }

    private static void assertSameAsFull(CompiledOrg incremental, PolicyDocument doc, String when) {
        CompiledOrg full = Compiler.compile(Resolved.of(doc));
        for (Workload w : doc.workloadsOrEmpty()) {
            if (!w.isManaged()) continue;
            assertThat(PolicyJson.write(incremental.policyOf(w.href()))).as("%s: policy of %s", when, w.name())
                    .isEqualTo(PolicyJson.write(full.policyOf(w.href())));
        }
        assertThat(incremental.stats()).as(when).isEqualTo(full.stats());
    }

    static PolicyDocument shuffle(PolicyDocument d, Random r) {
        List<RuleSet> rss = new ArrayList<>();
        for (RuleSet rs : d.ruleSetsOrEmpty()) {
            List<List<Actor>> scopes = new ArrayList<>();
            for (List<Actor> s : rs.scopesOrEmpty()) scopes.add(shuffled(s, r));
            rss.add(new RuleSet(rs.href(), rs.name(), rs.enabled(), rs.description(), shuffled(scopes, r),
                    shuffled(rs.rulesOrEmpty().stream().map(x -> shuffleRule(x, r)).toList(), r),
                    shuffled(rs.denyRulesOrEmpty().stream().map(x -> shuffleRule(x, r)).toList(), r),
                    rs.ipTablesRules(), null, null, null, null, null, null));
        }
        List<Workload> ws = d.workloadsOrEmpty().stream().map(w -> w.withLabels(shuffled(w.labelsOrEmpty(), r))).toList();
        return new PolicyDocument(shuffled(d.labelsOrEmpty(), r), shuffled(d.labelGroupsOrEmpty(), r), shuffled(ws, r),
                shuffled(d.ipListsOrEmpty(), r), shuffled(d.servicesOrEmpty(), r), shuffled(rss, r), d.firewallSettings());
    }

    private static Rule shuffleRule(Rule x, Random r) {
        return new Rule(x.href(), x.enabled(), x.description(), shuffled(x.providersOrEmpty(), r),
                shuffled(x.consumersOrEmpty(), r), shuffled(x.ingressServicesOrEmpty(), r), x.unscopedConsumers(),
                x.stateless(), x.override(), null, null, null, null, null, null, null, null, null);
    }

    private static <T> List<T> shuffled(List<T> in, Random r) {
        List<T> out = new ArrayList<>(in);
        Collections.shuffle(out, r);
        return out;
    }
}
