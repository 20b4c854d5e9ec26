package dev.cordon.policy.membership;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.ServiceBinding;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.VirtualService;
import dev.cordon.policy.model.Workload;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A valid policy document with every href resolved: labels and workloads numbered, label groups expanded
 * (sub-groups included), IP lists turned into address sets (exclusions subtracted), services into ports, and every
 * enabled rule turned into one {@link RuleScope} per scope of its rule set. Both the decision oracle and the
 * compiler start from here; nothing here depends on a flow or a workload being compiled.
 *
 * <p>Invariant: the document was validated; unknown hrefs here are programming errors, not user errors.
 */
public final class Resolved {
    private final PolicyDocument doc;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final String[] labelKeys;
    private final Label[] labels;
    private final Workload[] workloads;
    private final int[][] workloadLabels;
    private final Map<String, Integer> workloadByHref = new HashMap<>();
    private final Map<String, List<Integer>> workloadsByAddress = new HashMap<>();
    private final Map<String, Set<Integer>> groupLabels = new HashMap<>();
    private final Map<String, String> groupKeys = new HashMap<>();
    private final Map<String, AddrRanges> ipLists = new HashMap<>();
    private final Map<String, List<ServicePort>> services = new HashMap<>();
    private final Map<String, VirtualService> virtualServices = new HashMap<>();
    private final Map<String, List<ServiceBinding>> bindings = new HashMap<>();
    private final List<RuleScope> ruleScopes = new ArrayList<>();
    private final LabelIndex index;

    private Resolved(PolicyDocument doc) {
        this.doc = doc;
        List<Label> ls = doc.labelsOrEmpty();
        labels = ls.toArray(new Label[0]);
        labelKeys = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labelIds.put(labels[i].href(), i);
            labelKeys[i] = labels[i].key();
        }
        workloads = doc.workloadsOrEmpty().toArray(new Workload[0]);
        workloadLabels = new int[workloads.length][];
        boolean[] managed = new boolean[workloads.length];
        for (int w = 0; w < workloads.length; w++) {
            Workload wl = workloads[w];
            workloadByHref.put(wl.href(), w);
            workloadLabels[w] = wl.labelsOrEmpty().stream().map(Ref::href).filter(labelIds::containsKey)
                    .mapToInt(labelIds::get).distinct().sorted().toArray();
            managed[w] = wl.isManaged();
            for (Interface itf : wl.policyInterfaces()) {
                String a = AddrRanges.canonical(itf.address());
                if (a != null) workloadsByAddress.computeIfAbsent(a, k -> new ArrayList<>(1)).add(w);
            }
        }
        index = new LabelIndex(workloads.length, labels.length, workloadLabels, labelKeys, managed);
        Map<String, LabelGroup> groups = new HashMap<>();
        for (LabelGroup g : doc.labelGroupsOrEmpty()) groups.put(g.href(), g);
        for (LabelGroup g : doc.labelGroupsOrEmpty()) {
            groupLabels.put(g.href(), expand(g, groups, new HashSet<>()));
            groupKeys.put(g.href(), g.key());
        }
        for (IpList l : doc.ipListsOrEmpty()) ipLists.put(l.href(), addresses(l));
        for (Service s : doc.servicesOrEmpty()) services.put(s.href(), s.servicePortsOrEmpty());
        for (VirtualService v : doc.virtualServicesOrEmpty()) virtualServices.put(v.href(), v);
        for (ServiceBinding b : doc.serviceBindingsOrEmpty()) {
            bindings.computeIfAbsent(b.virtualService().href(), k -> new ArrayList<>()).add(b);
        }
        for (RuleSet rs : doc.ruleSetsOrEmpty()) {
            if (!rs.isEnabled()) continue;
            List<Scope> scopes = scopes(rs);
            addRules(rs, rs.rulesOrEmpty(), RuleScope.Kind.ALLOW, scopes);
            List<Rule> overrides = rs.denyRulesOrEmpty().stream().filter(Rule::isOverride).toList();
            List<Rule> denies = rs.denyRulesOrEmpty().stream().filter(r -> !r.isOverride()).toList();
            addRules(rs, overrides, RuleScope.Kind.OVERRIDE_DENY, scopes);
            addRules(rs, denies, RuleScope.Kind.DENY, scopes);
        }
    }

    public static Resolved of(PolicyDocument doc) {
        return new Resolved(doc);
    }

    private Set<Integer> expand(LabelGroup g, Map<String, LabelGroup> groups, Set<String> seen) {
        Set<Integer> out = new TreeSet<>();
        if (!seen.add(g.href())) return out;
        for (Ref r : g.labelsOrEmpty()) {
            Integer id = labelIds.get(r.href());
            if (id != null) out.add(id);
        }
        for (Ref r : g.subGroupsOrEmpty()) {
            LabelGroup sub = groups.get(r.href());
            if (sub != null) out.addAll(expand(sub, groups, seen));
        }
        return out;
    }

    private static AddrRanges addresses(IpList l) {
        AddrRanges inc = AddrRanges.EMPTY;
        AddrRanges exc = AddrRanges.EMPTY;
        for (IpRange r : l.ipRangesOrEmpty()) {
            AddrRanges a = AddrRanges.parse(r.fromIp(), r.toIp());
            if (r.isExclusion()) exc = exc.union(a);
            else inc = inc.union(a);
        }
        return inc.minus(exc);
    }

    /** A scope as an expression plus its canonical text (hrefs, sorted), which names address sets. */
    record Scope(LabelExpression expression, String canonical) {}

    private List<Scope> scopes(RuleSet rs) {
        if (rs.isScopeAll()) return List.of(new Scope(LabelExpression.ALL, "*"));
        List<Scope> out = new ArrayList<>();
        for (List<Actor> scope : rs.scopesOrEmpty()) {
            out.add(new Scope(expression(scope),
                    ActorSelector.canonicalOf(scope.stream().map(Actor::display).toList())));
        }
        return out;
    }

    private void addRules(RuleSet rs, List<Rule> rules, RuleScope.Kind kind, List<Scope> scopes) {
        for (Rule rule : rules) {
            if (rule.isEnabled()) ruleScopes.addAll(ruleScopes(rs, rule, kind, scopes, ruleScopes.size()));
        }
    }

    private List<RuleScope> ruleScopes(RuleSet rs, Rule rule, RuleScope.Kind kind, List<Scope> scopes, int firstId) {
        List<Actor> vsProviders = rule.providersOrEmpty().stream().filter(a -> a.virtualService() != null).toList();
        List<Actor> others = rule.providersOrEmpty().stream().filter(a -> a.virtualService() == null).toList();
        ActorSelector consumers = selector(rule.consumersOrEmpty());
        List<RuleScope> out = new ArrayList<>();
        if (!others.isEmpty() || vsProviders.isEmpty()) {
            ActorSelector providers = selector(others);
            List<ServicePort> ports = ports(rule.ingressServicesOrEmpty());
            for (Scope sc : scopes) {
                out.add(new RuleScope(firstId + out.size(), rs, rule, kind, sc.expression(), sc.canonical(), providers,
                        consumers, !rule.isUnscopedConsumers(), ports));
            }
        }
        for (Actor a : vsProviders) virtualServiceScopes(rs, rule, kind, scopes, a.virtualService().href(), consumers,
                firstId, out);
        return out;
    }

    /**
     * A virtual service as a provider: within each scope its labels match, one rule scope per set of ports its
     * bindings serve (bindings with the same port overrides share one), whose providers are the bound workloads,
     * not restricted to the scope, on the virtual service's ports as each binding serves them. The rule's own
     * ingress_services apply to its other providers only.
     */
    private void virtualServiceScopes(RuleSet rs, Rule rule, RuleScope.Kind kind, List<Scope> scopes, String vsHref,
                                      ActorSelector consumers, int firstId, List<RuleScope> out) {
        VirtualService vs = virtualServices.get(vsHref);
        if (vs == null) return;
        int[] vsLabels = vs.labelsOrEmpty().stream().map(Ref::href).filter(labelIds::containsKey)
                .mapToInt(labelIds::get).distinct().sorted().toArray();
        Map<List<ServicePort>, Set<Integer>> byPorts = new LinkedHashMap<>();
        for (ServiceBinding b : bindings.getOrDefault(vsHref, List.of())) {
            Integer w = b.workload() == null ? null : workloadByHref.get(b.workload().href());
            if (w != null) byPorts.computeIfAbsent(b.ports(vs), k -> new TreeSet<>()).add(w);
        }
        for (Scope sc : scopes) {
            if (!sc.expression().matches(vsLabels, labelKeys)) continue;
            for (Map.Entry<List<ServicePort>, Set<Integer>> e : byPorts.entrySet()) {
                // the definition names the service and its ports, so bindings with other ports get other sets
                String canonical = "virtual_service " + vsHref + " ports " + e.getKey();
                ActorSelector providers = new ActorSelector(false, null, Set.of(), e.getValue(), AddrRanges.EMPTY,
                        canonical);
                out.add(new RuleScope(firstId + out.size(), rs, rule, kind, sc.expression(), sc.canonical(), providers,
                        consumers, !rule.isUnscopedConsumers(), e.getKey(), false));
            }
        }
    }

    /** The rule scopes of one (new) rule of a rule set, numbered from {@code firstId}; used by incremental compiles. */
    public List<RuleScope> ruleScopesOf(RuleSet rs, Rule rule, boolean denyRule, int firstId) {
        RuleScope.Kind kind = !denyRule ? RuleScope.Kind.ALLOW
                : rule.isOverride() ? RuleScope.Kind.OVERRIDE_DENY : RuleScope.Kind.DENY;
        return ruleScopes(rs, rule, kind, scopes(rs), firstId);
    }

    /** The scopes of a rule set as label expressions (All is one empty expression). */
    public List<LabelExpression> scopeExpressions(RuleSet rs) {
        return scopes(rs).stream().map(Scope::expression).toList();
    }

    /** The ports a list of {@code ingress_services} stands for. */
    public List<ServicePort> ports(List<ServiceRef> refs) {
        List<ServicePort> out = new ArrayList<>();
        for (ServiceRef ref : refs) {
            if (ref.isInline()) out.add(ref.asPort());
            else out.addAll(services.getOrDefault(ref.href(), List.of()));
        }
        return out;
    }

    /** A label expression over the label and label-group items of a list (other items are ignored). */
    public LabelExpression expression(List<Actor> items) {
        List<LabelExpression.Item> out = new ArrayList<>();
        for (Actor a : items) {
            LabelExpression.Item it = item(a);
            if (it != null) out.add(it);
        }
        return LabelExpression.of(out);
    }

    private LabelExpression.Item item(Actor a) {
        if (a.label() != null) {
            Integer id = labelIds.get(a.label().href());
            if (id == null) return null;
            return new LabelExpression.Item(labelKeys[id], Set.of(id), a.isExcluded());
        }
        if (a.labelGroup() != null) {
            Set<Integer> ls = groupLabels.getOrDefault(a.labelGroup().href(), Set.of());
            return new LabelExpression.Item(groupKeys.get(a.labelGroup().href()), ls, a.isExcluded());
        }
        return null;
    }

    /** Resolves an actor list (SPEC §2). */
    public ActorSelector selector(List<Actor> actors) {
        boolean ams = false;
        boolean anyIncludedLabel = false;
        List<LabelExpression.Item> items = new ArrayList<>();
        Set<Integer> amsExclusions = new TreeSet<>();
        Set<Integer> explicit = new TreeSet<>();
        AddrRanges addrs = AddrRanges.EMPTY;
        List<String> parts = new ArrayList<>();
        for (Actor a : actors) {
            parts.add(a.display());
            if (a.isAms()) {
                ams = true;
            } else if (a.label() != null || a.labelGroup() != null) {
                LabelExpression.Item it = item(a);
                if (it == null) continue;
                items.add(it);
                if (a.isExcluded()) amsExclusions.addAll(it.labels());
                else anyIncludedLabel = true;
            } else if (a.workload() != null) {
                Integer w = workloadByHref.get(a.workload().href());
                if (w != null) explicit.add(w);
            } else if (a.ipList() != null) {
                addrs = addrs.union(ipLists.getOrDefault(a.ipList().href(), AddrRanges.EMPTY));
            }
        }
        LabelExpression expr = null;
        if (anyIncludedLabel || (!items.isEmpty() && !ams)) expr = LabelExpression.of(items);
        return new ActorSelector(ams, expr, amsExclusions, explicit, addrs, ActorSelector.canonicalOf(parts));
    }

    public PolicyDocument document() { return doc; }
    public LabelIndex index() { return index; }
    public String[] labelKeys() { return labelKeys; }
    public Label label(int id) { return labels[id]; }
    public int labelCount() { return labels.length; }
    public Integer labelId(String href) { return labelIds.get(href); }
    public int workloadCount() { return workloads.length; }
    public Workload workload(int w) { return workloads[w]; }
    public int[] workloadLabels(int w) { return workloadLabels[w]; }
    public Integer workloadIndex(String href) { return workloadByHref.get(href); }
    public List<RuleScope> ruleScopes() { return ruleScopes; }

    /** The workloads that own this address (normally at most one). */
    public List<Integer> workloadsAt(String address) {
        String c = AddrRanges.canonical(address);
        return c == null ? List.of() : workloadsByAddress.getOrDefault(c, List.of());
    }

    /** The workload's interface addresses as an address set. */
    public AddrRanges addressesOf(int w) {
        List<BigInteger> keys = new ArrayList<>();
        for (Interface itf : workloads[w].policyInterfaces()) {
            String a = AddrRanges.canonical(itf.address());
            if (a != null) keys.add(AddrRanges.key(AddrRanges.parseAddress(a, false)));
        }
        return AddrRanges.ofKeys(keys);
    }

    /** Finds a workload by href, then name, then hostname. */
    /**
     * The workload with this href, else the one with this name, else the one with this hostname.
     *
     * @throws dev.cordon.policy.validate.PolicyException {@code ambiguous_workload} when several share the name
     *         (or, with no name matching, the hostname): names need not be unique, so the href must be given
     */
    public Optional<Workload> findWorkload(String key) {
        Integer w = workloadByHref.get(key);
        if (w != null) return Optional.of(workloads[w]);
        for (java.util.function.Function<Workload, String> field : List.<java.util.function.Function<Workload, String>>of(
                Workload::name, Workload::hostname)) {
            List<Workload> found = Arrays.stream(workloads).filter(x -> key.equals(field.apply(x))).toList();
            if (found.size() > 1) {
                throw new dev.cordon.policy.validate.PolicyException("ambiguous_workload", found.size()
                        + " workloads are called '" + key + "' (" + found.stream().map(Workload::href)
                        .collect(java.util.stream.Collectors.joining(", ")) + "): give the href of the one you mean.");
            }
            if (found.size() == 1) return Optional.of(found.get(0));
        }
        return Optional.empty();
    }

    /** Labels of a workload by key, for display. */
    public Map<String, String> labelMap(int w) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int l : workloadLabels[w]) m.put(labels[l].key(), labels[l].value());
        return m;
    }
}
