package dev.cordon.policy.conflict;

import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.membership.Hrefs;
import dev.cordon.policy.membership.Resolved;
import dev.cordon.policy.membership.RuleScope;
import dev.cordon.policy.model.ServicePort;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds rule conflicts (SPEC §3) across all rule sets, each with one concrete example flow.
 *
 * <p>A rule scope's traffic is a box: consumer addresses × provider addresses × services. An allow rule conflicts
 * with an override deny when their boxes meet (the override always wins). A deny rule conflicts with an allow rule
 * when their boxes meet <em>outside</em> every override deny: traffic an override deny blocks anyway is not really
 * re-allowed, so it is not reported. The witness search splits the box around each override deny in turn, which is
 * exact and, for real policies, fast; a work budget bounds pathological inputs (then no conflict is claimed).
 */
public final class ConflictFinder {
    private static final int BUDGET = 20_000;

    private ConflictFinder() {}

    public static List<Conflict> find(Resolved r) {
        List<BigInteger> preferred = workloadKeys(r);
        List<Box> allows = new ArrayList<>();
        List<Box> denies = new ArrayList<>();
        List<Box> overrides = new ArrayList<>();
        for (RuleScope s : r.ruleScopes()) {
            Box b = box(r, s);
            if (b.isEmpty()) continue;
            switch (s.kind()) {
                case ALLOW -> allows.add(b);
                case DENY -> denies.add(b);
                case OVERRIDE_DENY -> overrides.add(b);
            }
        }
        Comparator<Box> canonical = Comparator.comparing(Box::href, Hrefs.NATURAL).thenComparing(Box::scope);
        allows.sort(canonical);
        denies.sort(canonical);
        overrides.sort(canonical);
        Map<String, Conflict> found = new TreeMap<>();
        for (Box a : allows) {
            for (Box o : overrides) {
                String key = "1|" + a.href() + "|" + o.href();
                if (found.containsKey(key)) continue;
                Box meet = a.intersect(o);
                if (!meet.isEmpty()) {
                    found.put(key, conflict(Conflict.Kind.ALLOW_OVERRIDDEN_BY_OVERRIDE_DENY, a, o, meet.point(preferred)));
                }
            }
        }
        for (Box d : denies) {
            for (Box a : allows) {
                String key = "2|" + d.href() + "|" + a.href();
                if (found.containsKey(key)) continue;
                Box meet = d.intersect(a);
                if (meet.isEmpty()) continue;
                int[] budget = {BUDGET};
                Point p = witness(meet, overrides, 0, preferred, budget);
                if (p != null) found.put(key, conflict(Conflict.Kind.DENY_OVERRIDDEN_BY_ALLOW, d, a, p));
            }
        }
        List<Conflict> out = new ArrayList<>(found.values());
        out.sort(Comparator.comparing((Conflict c) -> c.kind().ordinal())
                .thenComparing(c -> c.rule().href(), Hrefs.NATURAL)
                .thenComparing(c -> c.conflictingRule().href(), Hrefs.NATURAL));
        return out;
    }

    private static Conflict conflict(Conflict.Kind kind, Box rule, Box other, Point p) {
        return new Conflict(kind, new Conflict.RuleHref(rule.href()), new Conflict.RuleHref(other.href()),
                new Conflict.ExampleFlow(p.src, p.dst, p.proto, p.port));
    }

    /** A point of {@code box} outside every box of {@code minus} from index {@code from}, or {@code null}. */
    private static Point witness(Box box, List<Box> minus, int from, List<BigInteger> preferred, int[] budget) {
        if (box.isEmpty() || --budget[0] < 0) return null;
        int i = from;
        while (i < minus.size() && box.intersect(minus.get(i)).isEmpty()) i++;
        if (i == minus.size()) return box.point(preferred);
        Box q = minus.get(i);
        Box[] pieces = {
            new Box(box.href, box.scope, box.src.minus(q.src), box.dst, box.ports),
            new Box(box.href, box.scope, box.src.intersect(q.src), box.dst.minus(q.dst), box.ports),
            new Box(box.href, box.scope, box.src.intersect(q.src), box.dst.intersect(q.dst), box.ports.minus(q.ports)),
        };
        for (Box piece : pieces) {
            Point p = witness(piece, minus, i + 1, preferred, budget);
            if (p != null) return p;
        }
        return null;
    }

    private static Box box(Resolved r, RuleScope s) {
        List<BigInteger> src = new ArrayList<>();
        List<BigInteger> dst = new ArrayList<>();
        for (int w = 0; w < r.workloadCount(); w++) {
            boolean c = s.consumerWorkload(w, r);
            boolean p = s.providerWorkload(w, r);
            if (!c && !p) continue;
            AddrRanges a = r.addressesOf(w);
            a.forEachInterval((lo, hi) -> {
                for (BigInteger k = lo; k.compareTo(hi) <= 0; k = k.add(BigInteger.ONE)) {
                    if (c) src.add(k);
                    if (p) dst.add(k);
                }
            });
        }
        AddrRanges srcSet = AddrRanges.ofKeys(src).union(s.consumers().addresses());
        AddrRanges dstSet = AddrRanges.ofKeys(dst).union(s.providers().addresses());
        return new Box(s.rule().href(), s.scopeCanonical(), srcSet, dstSet, PortSpace.of(s.ports()));
    }

    private static List<BigInteger> workloadKeys(Resolved r) {
        List<BigInteger> keys = new ArrayList<>();
        for (int w = 0; w < r.workloadCount(); w++) {
            r.addressesOf(w).forEachInterval((lo, hi) -> keys.add(lo));
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    private record Point(String src, String dst, int proto, Integer port) {}

    private record Box(String href, String scope, AddrRanges src, AddrRanges dst, PortSpace ports) {
        boolean isEmpty() {
            return src.isEmpty() || dst.isEmpty() || ports.isEmpty();
        }

        Box intersect(Box o) {
            return new Box(href, scope, src.intersect(o.src), dst.intersect(o.dst), ports.intersect(o.ports));
        }

        /** A concrete flow in the box, preferring workload addresses over range ends. */
        Point point(List<BigInteger> preferred) {
            long sp = ports.pick();
            int proto = PortSpace.proto(sp);
            boolean hasPort = proto == ServicePort.TCP || proto == ServicePort.UDP || proto == 132
                    || proto == ServicePort.ICMP || proto == ServicePort.ICMPV6;
            String from = pick(src, preferred, null);
            return new Point(from, pick(dst, preferred, from), proto, hasPort ? PortSpace.port(sp) : null);
        }

        /** A workload address in the set (other than {@code avoid}, so examples are not a host talking to itself). */
        private static String pick(AddrRanges set, List<BigInteger> preferred, String avoid) {
            String fallback = null;
            for (BigInteger k : preferred) {
                if (!set.containsKey(k)) continue;
                String a = AddrRanges.ofKeys(List.of(k)).first();
                if (!a.equals(avoid)) return a;
                fallback = a;
            }
            return fallback != null ? fallback : set.first();
        }
    }
}
