package dev.cordon.policy.compile;

import dev.cordon.policy.hash.Sha256;
import dev.cordon.policy.membership.ActorSelector;
import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.membership.Hrefs;
import dev.cordon.policy.membership.LabelExpression;
import dev.cordon.policy.membership.LabelIndex;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.membership.RuleScope;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.Statement;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.PolicyException;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every managed workload's firewall policy, computed per <em>policy class</em>, with incremental updates.
 *
 * <p>Design. Each rule scope has two address sets, named by their definition (actors + scope restriction), so a
 * workload's new address changes set members, never rule text. A set's members are a {@link WorkloadSet} (computed
 * from the {@link LabelIndex}: by testing the few workloads carrying its guard labels, else by intersections) plus
 * IP-list ranges. A workload's <em>class key</em> is
 * its mode, its coexistence state, the rule scopes whose provider set holds it (its inbound), those whose consumer
 * set holds it (its outbound), and its custom iptables rules. Workloads with equal keys share one compiled
 * {@link PolicyClass}; 100,000 workloads typically form a few hundred classes. A {@link FirewallPolicy} is
 * assembled per workload on demand from its class and the materialised sets.
 *
 * <p>Invariants: outputs never depend on document order (entries sort by precedence then href; sets by id); an
 * incremental update ({@link #relabel}, {@link #addRule}) leaves exactly the state a full compile of the changed
 * document would produce (a property test holds it to that). Mutators are synchronised; readers see a consistent
 * state between mutations.
 */
public final class CompiledOrg {
    private final Resolved base;
    private final Workload[] workloads;
    private final int[][] labels;
    private final String[] labelKeys;
    private final BigInteger[][] addressKeys;
    private final LabelIndex index;
    private final AddressIndex addressIndex;
    private final List<CoexistenceEntry> coexistenceEntries;
    private final List<RuleScope> scopes = new ArrayList<>();
    private final List<SetState> providerSets = new ArrayList<>();
    private final List<SetState> consumerSets = new ArrayList<>();
    private final Map<String, SetState> sets = new HashMap<>();
    private final Map<AddrRanges, AddressIndex.Cover> coverCache = new HashMap<>();
    /** Which sets mention a label or require a key: a relabel re-evaluates only those. */
    private final Map<Integer, List<SetState>> setsByLabel = new HashMap<>();
    private final Map<String, List<SetState>> setsByKey = new HashMap<>();
    /**
     * Sets with a guard (labels one of which every member carries), by (mentioned label, guard label): a relabel
     * re-evaluates a guarded set only when the workload carries a guard label before or after, so a role change
     * looks at the sets of its own app rather than at every set mentioning the role. Unguarded sets stay in
     * {@link #setsByLabel}.
     */
    private final Map<Long, List<SetState>> setsByLabelGuard = new HashMap<>();
    /** Workloads per label when compiling started: only to pick the most selective guard, so staleness is harmless. */
    private final int[] labelCounts;
    private final List<CustomRule> customs = new ArrayList<>();
    private final ClassKey[] keys;
    private final CoexistenceResolver.Result[] coexistence;
    private final Map<ClassKey, PolicyClass> classes = new HashMap<>();
    private final Map<ClassKey, Integer> classMembers = new HashMap<>();
    private final Map<String, AddressSet> materialized = new ConcurrentHashMap<>();
    /** Per class, the body digest and the set digests it was computed from (recomputed when a set changes). */
    private final Map<ClassKey, BodyDigest> bodyDigests = new HashMap<>();

    private record BodyDigest(String setDigests, String digest) {}

    CompiledOrg(Resolved r) {
        this.base = r;
        int n = r.workloadCount();
        workloads = new Workload[n];
        labels = new int[n][];
        addressKeys = new BigInteger[n][];
        labelKeys = r.labelKeys();
        for (int w = 0; w < n; w++) {
            workloads[w] = r.workload(w);
            labels[w] = r.workloadLabels(w);
            addressKeys[w] = keysOf(workloads[w]);
        }
        index = r.index().copy();
        labelCounts = new int[labelKeys.length];
        for (int l = 0; l < labelCounts.length; l++) labelCounts[l] = index.countWithLabel(l);
        addressIndex = new AddressIndex(addressKeys);
        coexistenceEntries = r.document().coexistenceOrEmpty();
        for (RuleScope s : r.ruleScopes()) register(s);
        for (RuleSet rs : r.document().ruleSetsOrEmpty()) {
            if (!rs.isEnabled()) continue;
            for (IpTablesRule ipt : rs.ipTablesRulesOrEmpty()) {
                if (ipt.isEnabled()) customs.add(customRule(rs, ipt));
            }
        }
        customs.sort(Comparator.comparing((CustomRule c) -> c.rule.href(), Hrefs.NATURAL));
        coexistence = new CoexistenceResolver.Result[n];
        keys = new ClassKey[n];
        for (int w = 0; w < n; w++) coexistence[w] = resolveCoexistence(w);
        computeAllKeys();
    }

    // ---- reading ----

    /** The firewall policy of a managed workload (version 0; the caller stamps the version). */
    public FirewallPolicy policyOf(String workloadHref) {
        return policyOf(workloadHref, 0, List.of());
    }

    /** The firewall policy of a managed workload at {@code version}, with the control-plane endpoints it must reach. */
    public FirewallPolicy policyOf(String workloadHref, long version, List<Endpoint> controlPlane) {
        int w = indexOf(workloadHref);
        ClassBody body;
        WorkloadRef ref;
        synchronized (this) {
            body = body(w);
            ref = new WorkloadRef(workloads[w].href(), workloads[w].display());
        }
        // hashing the workload and control plane needs no lock: concurrent VEN look-ups only share the class body
        PolicyClass cls = body.cls();
        return FirewallPolicy.ofDigested(ref, version, body.digest(), body.key().mode(), body.key().coexistence(),
                body.sets(), cls.inbound(), cls.outbound(), cls.custom(), controlPlane);
    }

    /**
     * What a workload's policy hash depends on besides the control plane and the version: the workload's name and the
     * digest of all its policy shares with its class (mode, coexistence, the sets each through the digest of its
     * members, the entries, the custom statements). Equal bases mean equal hashes for one control plane, and equal
     * body digests mean policies that differ at most in workload, version and hash, so output built once per class
     * (the PCE's response bytes) can be keyed on the body digest.
     */
    public record PolicyBasis(String name, String bodyDigest) {}

    /** The basis of a workload's policy, or null when it is unmanaged or unknown here. */
    public PolicyBasis basisOf(String workloadHref) {
        Integer w = base.workloadIndex(workloadHref);
        if (w == null) return null;
        synchronized (this) {
            return keys[w] == null ? null : new PolicyBasis(workloads[w].display(), body(w).digest());
        }
    }

    /**
     * Whether a workload's policy has the same hash here as in {@code other} (for one control plane), decided from
     * the bases without building or hashing either policy; false when it is unmanaged or unknown in either.
     */
    public boolean samePolicy(String workloadHref, CompiledOrg other) {
        PolicyBasis mine = basisOf(workloadHref);
        return mine != null && mine.equals(other.basisOf(workloadHref));
    }

    private record ClassBody(ClassKey key, PolicyClass cls, List<AddressSet> sets, String digest) {}

    /** A managed workload's class with its materialised sets and body digest; the caller holds the lock. */
    private ClassBody body(int w) {
        ClassKey key = keys[w];
        if (key == null) {
            throw new PolicyException("unmanaged_workload", "Workload " + workloads[w].display()
                    + " is unmanaged: it has no VEN, so it has no firewall policy. Only managed workloads do.");
        }
        PolicyClass cls = classes.get(key);
        List<AddressSet> setList = new ArrayList<>();
        StringBuilder setDigests = new StringBuilder();
        for (String id : cls.setIds()) {
            AddressSet s = materialize(id);
            setList.add(s);
            setDigests.append(s.digest()).append(',');
        }
        String digests = setDigests.toString();
        BodyDigest cached = bodyDigests.get(key);
        if (cached == null || !cached.setDigests().equals(digests)) {
            cached = new BodyDigest(digests, FirewallPolicy.bodyDigest(key.mode(), key.coexistence(), setList,
                    cls.inbound(), cls.outbound(), cls.custom()));
            bodyDigests.put(key, cached);
        }
        return new ClassBody(key, cls, setList, cached.digest());
    }

    public synchronized Coexistence coexistenceOf(String workloadHref) {
        return coexistence[indexOf(workloadHref)].state();
    }

    /** The policy class a workload belongs to, or {@code null} for unmanaged workloads. */
    public synchronized PolicyClass classOf(String workloadHref) {
        ClassKey k = keys[indexOf(workloadHref)];
        return k == null ? null : classes.get(k);
    }

    /** Warnings for the operator, e.g. coexistence asked for on an OS that cannot do it. Sorted. */
    public synchronized List<String> warnings() {
        TreeSet<String> out = new TreeSet<>();
        for (CoexistenceResolver.Result r : coexistence) {
            if (r != null && r.warning() != null) out.add(r.warning());
        }
        return List.copyOf(out);
    }

    /** Figures for benchmarks and operators. */
    public record Stats(int workloads, int managed, int classes, int sets, long setMembers, long entries,
                        double entriesPerWorkload, int maxEntriesPerWorkload) {}

    public synchronized Stats stats() {
        Set<String> used = new HashSet<>();
        long entries = 0;
        int max = 0;
        int managed = 0;
        for (ClassKey k : keys) {
            if (k == null) continue;
            managed++;
            PolicyClass c = classes.get(k);
            int e = c.inbound().size() + c.outbound().size();
            entries += e;
            max = Math.max(max, e);
        }
        for (PolicyClass c : classes.values()) used.addAll(c.setIds());
        long members = 0;
        for (String id : used) {
            SetState s = sets.get(id);
            for (int w = s.members.nextSetBit(0); w >= 0; w = s.members.nextSetBit(w + 1)) {
                members += addressKeys[w].length;
            }
            members += s.ranges().intervalCount();
        }
        return new Stats(workloads.length, managed, classes.size(), used.size(), members, entries,
                managed == 0 ? 0 : (double) entries / managed, max);
    }

    // ---- incremental updates ----

    /** Gives a workload new labels and updates every membership, class and set it affects. */
    public synchronized void relabel(String workloadHref, List<Ref> newLabels) {
        int w = indexOf(workloadHref);
        int[] nl = newLabels.stream().map(r -> base.labelId(r.href())).filter(x -> x != null)
                .mapToInt(Integer::intValue).distinct().sorted().toArray();
        Set<Integer> changedLabels = new HashSet<>();
        Set<String> changedKeys = new HashSet<>();
        for (int l : labels[w]) changedLabels.add(l);
        for (int l : nl) {
            if (!changedLabels.remove(l)) changedLabels.add(l);
        }
        for (int l : changedLabels) changedKeys.add(labelKeys[l]);
        Set<Integer> guards = new HashSet<>();
        for (int l : labels[w]) guards.add(l);
        for (int l : nl) guards.add(l);
        index.relabel(w, labels[w], nl, labelKeys);
        labels[w] = nl;
        workloads[w] = workloads[w].withLabels(newLabels);
        // only sets whose expressions mention a changed label or key can change for this workload
        Set<SetState> touched = new HashSet<>();
        for (int l : changedLabels) {
            touched.addAll(setsByLabel.getOrDefault(l, List.of()));
            for (int g : guards) touched.addAll(setsByLabelGuard.getOrDefault(pair(l, g), List.of()));
        }
        for (String k : changedKeys) touched.addAll(setsByKey.getOrDefault(k, List.of()));
        // only sets whose membership of w flipped change w's key: the rest keep their entries
        Set<SetState> flipped = new HashSet<>();
        for (SetState s : touched) {
            boolean in = s.contains(w, this);
            if (in != s.members.get(w)) {
                s.members.set(w, in);
                materialized.remove(s.id);
                flipped.add(s);
            }
        }
        for (CustomRule c : customs) c.members.set(w, c.contains(w, this));
        coexistence[w] = resolveCoexistence(w);
        setKey(w, rekey(w, flipped));
    }

    /**
     * The class key of {@code w} after its labels changed: only rule scopes whose sets' membership of {@code w}
     * flipped ({@code touched}) can have changed (an entry depends on that membership and the set's fixed cover),
     * so the old key's other entries are kept and those scopes re-evaluated (the full {@link #keyOf} scans
     * every rule scope).
     */
    private ClassKey rekey(int w, Set<SetState> touched) {
        ClassKey old = keys[w];
        if (old == null || old.mode() == EnforcementMode.IDLE || !enforces(w)) return keyOf(w);
        java.util.TreeSet<Integer> inScopes = new java.util.TreeSet<>();
        java.util.TreeSet<Integer> outScopes = new java.util.TreeSet<>();
        for (SetState s : touched) {
            inScopes.addAll(s.providerOf);
            outScopes.addAll(s.consumerOf);
        }
        int[] in = resided(old.inbound(), inScopes, providerSets, w);
        int[] out = resided(old.outbound(), outScopes, consumerSets, w);
        IntList custom = new IntList();
        for (int c = 0; c < customs.size(); c++) {
            if (customs.get(c).members.get(w)) custom.add(c);
        }
        return new ClassKey(workloads[w].effectiveMode(), coexistence[w].state(), in, out, custom.toArray());
    }

    private int[] resided(int[] old, java.util.TreeSet<Integer> redo, List<SetState> side, int w) {
        IntList l = new IntList();
        for (int e : old) {
            if (!redo.contains(e >>> 1)) l.add(e);
        }
        for (int s : redo) addSide(l, s, side.get(s), w);
        int[] a = l.toArray();
        Arrays.sort(a);
        return a;
    }

    /** Adds a rule to a rule set of the document and updates the workloads it concerns. */
    public synchronized void addRule(String ruleSetHref, Rule rule, boolean denyRule) {
        RuleSet rs = base.document().ruleSetsOrEmpty().stream().filter(x -> x.href().equals(ruleSetHref))
                .findFirst().orElseThrow(() -> new PolicyException("unknown_rule_set",
                        "No rule set " + ruleSetHref + " in this policy."));
        if (!rs.isEnabled() || !rule.isEnabled()) return;
        List<RuleScope> added = base.ruleScopesOf(rs, rule, denyRule, scopes.size());
        BitSet affected = new BitSet();
        for (RuleScope s : added) {
            register(s);
            SetState p = providerSets.get(s.id());
            SetState c = consumerSets.get(s.id());
            p.members.orInto(affected);
            affected.or(p.cover().any());
            c.members.orInto(affected);
            affected.or(c.cover().any());
        }
        for (int w = affected.nextSetBit(0); w >= 0; w = affected.nextSetBit(w + 1)) {
            if (keys[w] == null || keys[w].mode() == EnforcementMode.IDLE) continue;
            ClassKey k = keys[w];
            IntList in = IntList.of(k.inbound());
            IntList out = IntList.of(k.outbound());
            for (RuleScope s : added) {
                addSide(in, s.id(), providerSets.get(s.id()), w);
                addSide(out, s.id(), consumerSets.get(s.id()), w);
            }
            setKey(w, new ClassKey(k.mode(), k.coexistence(), in.toArray(), out.toArray(), k.custom()));
        }
    }

    // ---- internals ----

    private int indexOf(String href) {
        Integer w = base.workloadIndex(href);
        if (w == null) {
            throw new PolicyException("unknown_workload", "No workload " + href + " in this policy.");
        }
        return w;
    }

    private static BigInteger[] keysOf(Workload w) {
        List<BigInteger> out = new ArrayList<>();
        for (Interface itf : w.policyInterfaces()) {
            String c = AddrRanges.canonical(itf.address());
            if (c != null) out.add(AddrRanges.key(new IPAddressString(c).getAddress()));
        }
        return out.toArray(new BigInteger[0]);
    }

    private void register(RuleScope s) {
        scopes.add(s);
        SetState p = set(s.providerSetDefinition(), s.providers(), s.providerScope());
        SetState c = set(s.consumerSetDefinition(), s.consumers(), s.intraScope() ? s.scope() : null);
        providerSets.add(p);
        consumerSets.add(c);
        p.providerOf.add(s.id());
        c.consumerOf.add(s.id());
    }

    private SetState set(String definition, ActorSelector sel, LabelExpression restrict) {
        String id = "s" + Sha256.hex(definition, 6);
        return sets.computeIfAbsent(id, k -> {
            LabelExpression r = restrict == null || restrict.isAll() ? null : restrict;
            int[] guard = guardOf(sel, r);
            SetState s = new SetState(k, definition, sel, r, members(sel, r, guard));
            Set<Integer> mentioned = new HashSet<>(sel.amsExclusions());
            Set<String> keys = new HashSet<>();
            for (LabelExpression e : java.util.Arrays.asList(sel.labels(), s.restrict)) {
                if (e == null) continue;
                mentioned.addAll(e.labelsMentioned());
                keys.addAll(e.keysRequired());
            }
            for (int l : mentioned) {
                if (guard == null) {
                    setsByLabel.computeIfAbsent(l, x -> new ArrayList<>()).add(s);
                } else {
                    for (int g : guard) setsByLabelGuard.computeIfAbsent(pair(l, g), x -> new ArrayList<>()).add(s);
                }
            }
            for (String key : keys) setsByKey.computeIfAbsent(key, x -> new ArrayList<>()).add(s);
            return s;
        });
    }

    private static long pair(int label, int guard) {
        return ((long) label << 32) | (guard & 0xffffffffL);
    }

    /**
     * The labels of the most selective key that every member of the set must carry one of (an included key of the
     * scope restriction, or of the selector when it selects by labels only), or null when there is none.
     */
    private int[] guardOf(ActorSelector sel, LabelExpression restrict) {
        List<Map<String, Set<Integer>>> conjuncts = new ArrayList<>(2);
        if (restrict != null) conjuncts.add(restrict.includedByKey());
        if (!sel.ams() && sel.workloads().isEmpty() && sel.labels() != null) conjuncts.add(sel.labels().includedByKey());
        Set<Integer> best = null;
        long bestCount = Long.MAX_VALUE;
        for (Map<String, Set<Integer>> c : conjuncts) {
            for (Set<Integer> ls : c.values()) {
                long n = 0;
                for (int l : ls) n += labelCounts.length > l ? labelCounts[l] : 0;
                if (n < bestCount) {
                    bestCount = n;
                    best = ls;
                }
            }
        }
        return best == null ? null : best.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /**
     * The set's members. With a small guard, its candidates are tested one by one (the relabel path's test); else by
     * set algebra over the index, which costs a few passes over every workload's bit and suits large sets.
     */
    private WorkloadSet members(ActorSelector sel, LabelExpression restrict, int[] guard) {
        int n = workloads.length;
        long candidates = 0;
        if (guard != null) {
            for (int g : guard) candidates += index.countWithLabel(g);
        }
        if (guard == null || candidates > Math.max(64, n / 256)) {
            BitSet m = sel.members(index);
            if (restrict != null) m.and(restrict.members(index));
            return WorkloadSet.of(m, n);
        }
        int[] c = new int[(int) candidates];
        int k = 0;
        for (int g : guard) {
            for (int w = index.nextWithLabel(g, 0); w >= 0; w = index.nextWithLabel(g, w + 1)) c[k++] = w;
        }
        if (guard.length > 1) Arrays.sort(c, 0, k);
        int m = 0;
        for (int i = 0; i < k; i++) {
            int w = c[i];
            if (m > 0 && c[m - 1] == w) continue;
            if (holds(sel, restrict, w)) c[m++] = w;
        }
        return WorkloadSet.ofSorted(c, m, n);
    }

    private boolean holds(ActorSelector sel, LabelExpression restrict, int w) {
        return sel.containsWorkload(w, labels[w], workloads[w].isManaged(), labelKeys)
                && (restrict == null || restrict.matches(labels[w], labelKeys));
    }

    private CustomRule customRule(RuleSet rs, IpTablesRule ipt) {
        ActorSelector receivers = base.selector(ipt.actorsOrEmpty());
        List<LabelExpression> scopeList = base.scopeExpressions(rs);
        CustomRule c = new CustomRule(rs, ipt, receivers, scopeList, new BitSet());
        BitSet inScope = new BitSet();
        for (LabelExpression e : scopeList) inScope.or(e.members(index));
        BitSet m = receivers.members(index);
        m.and(inScope);
        c.members.or(m);
        return c;
    }

    private CoexistenceResolver.Result resolveCoexistence(int w) {
        Workload wl = workloads[w];
        if (!wl.isManaged()) return null;
        Set<String> hrefs = new HashSet<>();
        for (int l : labels[w]) hrefs.add(base.label(l).href());
        return CoexistenceResolver.resolve(wl, hrefs, coexistenceEntries);
    }

    private void computeAllKeys() {
        int n = workloads.length;
        IntList[] in = new IntList[n];
        IntList[] out = new IntList[n];
        IntList[] custom = new IntList[n];
        for (int w = 0; w < n; w++) {
            if (enforces(w)) {
                in[w] = new IntList();
                out[w] = new IntList();
                custom[w] = new IntList();
            }
        }
        for (RuleScope s : scopes) {
            collect(in, s.id(), providerSets.get(s.id()));
            collect(out, s.id(), consumerSets.get(s.id()));
        }
        for (int c = 0; c < customs.size(); c++) {
            BitSet m = customs.get(c).members;
            for (int w = m.nextSetBit(0); w >= 0; w = m.nextSetBit(w + 1)) {
                if (custom[w] != null) custom[w].add(c);
            }
        }
        for (int w = 0; w < n; w++) {
            if (!workloads[w].isManaged()) continue;
            setKey(w, in[w] == null ? idleKey(w)
                    : new ClassKey(workloads[w].effectiveMode(), coexistence[w].state(), in[w].toArray(),
                    out[w].toArray(), custom[w].toArray()));
        }
    }

    private boolean enforces(int w) {
        return workloads[w].isManaged() && workloads[w].effectiveMode() != EnforcementMode.IDLE;
    }

    private ClassKey idleKey(int w) {
        return new ClassKey(EnforcementMode.IDLE, coexistence[w].state(), new int[0], new int[0], new int[0]);
    }

    /** Appends scope {@code s} (with its "local addresses only" flag) to each workload the set holds. */
    private void collect(IntList[] lists, int s, SetState set) {
        WorkloadSet m = set.members;
        for (int w = m.nextSetBit(0); w >= 0; w = m.nextSetBit(w + 1)) {
            if (lists[w] != null) lists[w].add(s << 1);
        }
        AddressIndex.Cover cover = set.cover();
        BitSet any = cover.any();
        for (int w = any.nextSetBit(0); w >= 0; w = any.nextSetBit(w + 1)) {
            if (lists[w] != null && !m.get(w)) lists[w].add((s << 1) | (cover.full().get(w) ? 0 : 1));
        }
    }

    private void addSide(IntList list, int s, SetState set, int w) {
        if (set.members.get(w)) list.add(s << 1);
        else if (set.cover().any().get(w)) list.add((s << 1) | (set.cover().full().get(w) ? 0 : 1));
    }

    private ClassKey keyOf(int w) {
        if (!workloads[w].isManaged()) return null;
        if (!enforces(w)) return idleKey(w);
        IntList in = new IntList();
        IntList out = new IntList();
        for (RuleScope s : scopes) {
            addSide(in, s.id(), providerSets.get(s.id()), w);
            addSide(out, s.id(), consumerSets.get(s.id()), w);
        }
        IntList custom = new IntList();
        for (int c = 0; c < customs.size(); c++) {
            if (customs.get(c).members.get(w)) custom.add(c);
        }
        return new ClassKey(workloads[w].effectiveMode(), coexistence[w].state(), in.toArray(), out.toArray(),
                custom.toArray());
    }

    private void setKey(int w, ClassKey key) {
        ClassKey old = keys[w];
        if (old != null && classMembers.merge(old, -1, Integer::sum) == 0) {
            classMembers.remove(old);
            classes.remove(old);
            bodyDigests.remove(old);
        }
        keys[w] = key;
        if (key != null) {
            classMembers.merge(key, 1, Integer::sum);
            classes.computeIfAbsent(key, this::compileClass);
        }
    }

    private static final Comparator<PolicyEntry> ENTRY_ORDER = Comparator
            .comparing(PolicyEntry::action)
            .thenComparing(PolicyEntry::rule, Hrefs.NATURAL)
            .thenComparing(PolicyEntry::peerSet, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PolicyEntry::localSet, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingInt(PolicyEntry::proto)
            .thenComparing(PolicyEntry::port, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PolicyEntry::toPort, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PolicyEntry::icmpType, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PolicyEntry::icmpCode, Comparator.nullsFirst(Comparator.naturalOrder()));

    private PolicyClass compileClass(ClassKey key) {
        List<PolicyEntry> in = entries(key.inbound(), true);
        List<PolicyEntry> out = entries(key.outbound(), false);
        TreeSet<String> setIds = new TreeSet<>();
        for (List<PolicyEntry> l : List.of(in, out)) {
            for (PolicyEntry e : l) {
                setIds.add(e.peerSet());
                if (e.localSet() != null) setIds.add(e.localSet());
            }
        }
        List<CustomStatement> custom = new ArrayList<>();
        for (int c : key.custom()) {
            CustomRule cr = customs.get(c);
            int version = "6".equals(cr.rule.ipVersion()) ? 6 : 4;
            for (Statement st : cr.rule.statementsOrEmpty()) {
                custom.add(new CustomStatement(st.tableName(), st.chainName(), st.parameters(), version,
                        cr.rule.href()));
            }
        }
        return new PolicyClass(key, in, out, List.copyOf(setIds), custom);
    }

    private List<PolicyEntry> entries(int[] encoded, boolean inbound) {
        List<PolicyEntry> out = new ArrayList<>();
        for (int e : encoded) {
            int s = e >>> 1;
            boolean local = (e & 1) == 1;
            RuleScope rs = scopes.get(s);
            String peer = inbound ? consumerSets.get(s).id : providerSets.get(s).id;
            String own = !local ? null : inbound ? providerSets.get(s).id : consumerSets.get(s).id;
            Action action = switch (rs.kind()) {
                case OVERRIDE_DENY -> Action.OVERRIDE_DENY;
                case ALLOW -> Action.ALLOW;
                case DENY -> Action.DENY;
            };
            boolean stateless = rs.kind() == RuleScope.Kind.ALLOW && rs.rule().isStateless();
            for (ServicePort sp : rs.ports()) {
                int proto = sp.proto() == null ? ServicePort.ALL : sp.proto();
                boolean ported = proto == ServicePort.TCP || proto == ServicePort.UDP || proto == 132;
                boolean icmp = proto == ServicePort.ICMP || proto == ServicePort.ICMPV6;
                out.add(new PolicyEntry(action, peer, own, proto,
                        ported ? sp.port() : null,
                        ported && sp.port() != null && sp.toPort() != null && !sp.toPort().equals(sp.port())
                                ? sp.toPort() : null,
                        icmp ? sp.icmpType() : null, icmp ? sp.icmpCode() : null, stateless,
                        rs.rule().href(), rs.ruleSet().href()));
            }
        }
        out.sort(ENTRY_ORDER);
        List<PolicyEntry> dedup = new ArrayList<>(out.size());
        for (PolicyEntry e : out) {
            if (dedup.isEmpty() || !dedup.get(dedup.size() - 1).equals(e)) dedup.add(e);
        }
        return List.copyOf(dedup);
    }

    /** The members of a set as merged CIDR blocks; cached until a membership change touches the set. */
    private AddressSet materialize(String id) {
        return materialized.computeIfAbsent(id, k -> {
            SetState s = sets.get(k);
            List<BigInteger> ks = new ArrayList<>();
            for (int w = s.members.nextSetBit(0); w >= 0; w = s.members.nextSetBit(w + 1)) {
                ks.addAll(Arrays.asList(addressKeys[w]));
            }
            AddrRanges all = AddrRanges.ofKeys(ks).union(s.selector.addresses());
            return new AddressSet(k, s.definition, all.v4Cidrs(), all.v6Cidrs());
        });
    }

    /** A named address set: its selector, optional scope restriction, and current workload members. */
    private final class SetState {
        final String id;
        final String definition;
        final ActorSelector selector;
        final LabelExpression restrict;
        final WorkloadSet members;
        /** The rule scopes whose provider (consumer) side this set is. */
        final List<Integer> providerOf = new ArrayList<>(1);
        final List<Integer> consumerOf = new ArrayList<>(1);
        private AddressIndex.Cover cover;

        SetState(String id, String definition, ActorSelector selector, LabelExpression restrict, WorkloadSet members) {
            this.id = id;
            this.definition = definition;
            this.selector = selector;
            this.restrict = restrict;
            this.members = members;
        }

        boolean contains(int w, CompiledOrg org) {
            return org.holds(selector, restrict, w);
        }

        /** Workload addresses inside the set's IP-list ranges: fixed for the set's life, so computed once. */
        AddressIndex.Cover cover() {
            AddressIndex.Cover c = cover;
            if (c == null) {
                AddrRanges r = selector.addresses();
                c = r.isEmpty() ? AddressIndex.Cover.NONE : coverCache.computeIfAbsent(r, addressIndex::cover);
                cover = c;
            }
            return c;
        }

        AddrRanges ranges() {
            return selector.addresses();
        }
    }

    /** A custom iptables rule and the workloads that receive it. */
    private record CustomRule(RuleSet ruleSet, IpTablesRule rule, ActorSelector receivers,
                              List<LabelExpression> scopes, BitSet members) {
        boolean contains(int w, CompiledOrg org) {
            if (!receivers.containsWorkload(w, org.labels[w], org.workloads[w].isManaged(), org.labelKeys)) {
                return false;
            }
            for (LabelExpression e : scopes) {
                if (e.matches(org.labels[w], org.labelKeys)) return true;
            }
            return false;
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[8];
        private int n;

        static IntList of(int[] values) {
            IntList l = new IntList();
            for (int v : values) l.add(v);
            return l;
        }

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
