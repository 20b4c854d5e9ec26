package dev.cordon.policy.testing;

import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.FirewallSettings;
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
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Small random but valid policy documents for property and differential tests: label groups (nested), exclusions,
 * several scopes, intra- and extra-scope rules, IP lists with exclusions that cover some workload addresses, port
 * ranges, all four modes, unmanaged workloads, IPv6 and multi-address hosts. Deterministic for a {@link Random}.
 */
public final class RandomPolicies {
    static final String[][] LABELS = {
        {"role", "web"}, {"role", "db"}, {"role", "cache"}, {"app", "shop"}, {"app", "crm"},
        {"env", "prod"}, {"env", "dev"}, {"loc", "eu"}, {"loc", "us"}};
    public static final String[] EXTERNAL = {"192.0.2.7", "192.0.2.200", "203.0.113.9", "fd00:99::5"};
    public static final int[] PORTS = {22, 80, 443, 1000, 1005, 1010, 3306, 5432, 8080, 8089};

    private RandomPolicies() {}

    /** Options: {@code maxWorkloads} bounds the number of hosts (kernel tests keep it small). */
    public static PolicyDocument generate(Random r) {
        return generate(r, 8, true);
    }

    public static PolicyDocument generate(Random r, int maxWorkloads, boolean ipv6) {
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < LABELS.length; i++) {
            labels.add(Label.of("/orgs/1/labels/" + (i + 1), LABELS[i][0], LABELS[i][1]));
        }
        List<LabelGroup> groups = new ArrayList<>();
        groups.add(LabelGroup.of(group(1), "front", "role", List.of(lab(0), lab(2)), List.of()));
        groups.add(LabelGroup.of(group(2), "all-roles", "role", List.of(lab(1)), List.of(Ref.of(group(1)))));
        groups.add(LabelGroup.of(group(3), "envs", "env", List.of(lab(5), lab(6)), List.of()));

        int n = 3 + r.nextInt(Math.max(1, maxWorkloads - 2));
        List<Workload> workloads = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            List<Ref> wl = new ArrayList<>();
            pickLabel(r, wl, 0, 3);
            pickLabel(r, wl, 3, 2);
            pickLabel(r, wl, 5, 2);
            pickLabel(r, wl, 7, 2);
            List<Interface> itfs = new ArrayList<>();
            itfs.add(new Interface("eth0", "10.0.0." + (w + 1), 24));
            if (r.nextInt(6) == 0) itfs.add(new Interface("eth1", "10.0.1." + (w + 1), 24));
            if (ipv6 && r.nextInt(4) == 0) itfs.add(new Interface("eth0", "fd00::" + (w + 1), 64));
            String href = "/orgs/1/workloads/w" + w;
            if (r.nextInt(7) == 0) {
                workloads.add(Workload.unmanaged(href, "w" + w, wl, itfs));
            } else {
                EnforcementMode mode = EnforcementMode.values()[r.nextInt(4)];
                String venType = r.nextInt(6) == 0 ? "endpoint" : "server";
                workloads.add(Workload.managed(href, "w" + w, wl, itfs, mode, venType, "linux"));
            }
        }

        List<IpList> ipLists = new ArrayList<>();
        ipLists.add(IpList.of(ipl(1), IpList.ANY_NAME, List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0"))));
        ipLists.add(IpList.of(ipl(2), "low-hosts", List.of(new IpRange("10.0.0.1", "10.0.0.4", false, null),
                IpRange.of("192.0.2.0/25"), IpRange.excluded("10.0.0.3"))));
        ipLists.add(IpList.of(ipl(3), "partners", List.of(IpRange.of("203.0.113.0/24"), IpRange.of("fd00:99::/64"),
                IpRange.of("10.0.1.0/28"), IpRange.excluded("203.0.113.128/25"))));

        List<Service> services = new ArrayList<>();
        services.add(Service.of(svc(1), Service.ALL_SERVICES_NAME,
                List.of(new ServicePort(ServicePort.ALL, null, null, null, null))));
        services.add(Service.of(svc(2), "web", List.of(ServicePort.of(6, 80, null), ServicePort.of(6, 443, null))));
        services.add(Service.of(svc(3), "range", List.of(ServicePort.of(6, 1000, 1005), ServicePort.of(17, 1000, 1010))));
        services.add(Service.of(svc(4), "sql", List.of(ServicePort.of(6, 3306, null), ServicePort.of(6, 5432, null))));
        services.add(Service.of(svc(5), "all-udp", List.of(ServicePort.of(17, null, null))));

        List<RuleSet> ruleSets = new ArrayList<>();
        int ruleSetCount = 1 + r.nextInt(3);
        int ruleId = 1;
        for (int s = 1; s <= ruleSetCount; s++) {
            String rsHref = "/orgs/1/sec_policy/draft/rule_sets/" + s;
            List<List<Actor>> scopes = scopes(r);
            List<Rule> allows = new ArrayList<>();
            List<Rule> denies = new ArrayList<>();
            int count = 1 + r.nextInt(4);
            for (int k = 0; k < count; k++) {
                boolean extra = r.nextInt(3) == 0;
                allows.add(new Rule(rsHref + "/sec_rules/" + ruleId++, r.nextInt(12) != 0, null, actors(r, workloads, true),
                        actors(r, workloads, false), services(r), extra, null, null, null, null, null,
                        null, null, null, null, null, null));
            }
            int dcount = r.nextInt(3);
            for (int k = 0; k < dcount; k++) {
                denies.add(Rule.deny(rsHref + "/deny_rules/" + ruleId++, actors(r, workloads, true),
                        actors(r, workloads, false), services(r), r.nextInt(3) == 0, r.nextInt(3) == 0));
            }
            ruleSets.add(new RuleSet(rsHref, "rs" + s, r.nextInt(10) != 0, null, scopes, allows, denies, List.of(),
                    null, null, null, null, null, null));
        }
        List<CoexistenceEntry> coex = new ArrayList<>();
        if (r.nextBoolean()) coex.add(new CoexistenceEntry(r.nextBoolean(), List.of(lab(5)), null));
        if (r.nextBoolean()) coex.add(new CoexistenceEntry(r.nextBoolean(), List.of(), r.nextBoolean() ? "enforced" : "illuminated"));
        return new PolicyDocument(labels, groups, workloads, ipLists, services, ruleSets, FirewallSettings.of(coex));
    }

    /** Random flows: between workload addresses and external addresses, on ports at service boundaries. */
    public static List<Flow> flows(Random r, PolicyDocument doc, int count) {
        List<String> addrs = new ArrayList<>();
        for (Workload w : doc.workloadsOrEmpty()) w.interfacesOrEmpty().forEach(i -> addrs.add(i.address()));
        List<Flow> out = new ArrayList<>();
        while (out.size() < count) {
            String src = r.nextInt(5) == 0 ? EXTERNAL[r.nextInt(EXTERNAL.length)] : addrs.get(r.nextInt(addrs.size()));
            String dst = r.nextInt(8) == 0 ? EXTERNAL[r.nextInt(EXTERNAL.length)] : addrs.get(r.nextInt(addrs.size()));
            if (src.equals(dst) || src.contains(":") != dst.contains(":")) continue;
            int proto = r.nextInt(4) == 0 ? 17 : 6;
            out.add(new Flow(src, dst, proto, PORTS[r.nextInt(PORTS.length)]));
        }
        return out;
    }

    private static List<List<Actor>> scopes(Random r) {
        int kind = r.nextInt(4);
        if (kind == 0) return List.of(List.of());
        List<List<Actor>> out = new ArrayList<>();
        int count = kind == 3 ? 2 : 1;
        for (int i = 0; i < count; i++) {
            List<Actor> scope = new ArrayList<>();
            if (r.nextBoolean()) scope.add(Actor.label(href(3 + r.nextInt(2))));
            if (r.nextBoolean()) scope.add(r.nextBoolean() ? Actor.label(href(5 + r.nextInt(2))) : Actor.labelGroup(group(3)));
            if (r.nextInt(4) == 0) scope.add(Actor.labelExcluded(href(7 + r.nextInt(2))));
            out.add(scope);
        }
        return out;
    }

    private static List<Actor> actors(Random r, List<Workload> ws, boolean providers) {
        List<Actor> out = new ArrayList<>();
        switch (r.nextInt(7)) {
            case 0 -> {
                out.add(Actor.ams());
                if (r.nextBoolean()) out.add(Actor.labelExcluded(href(r.nextInt(LABELS.length))));
            }
            case 1 -> out.add(Actor.label(href(r.nextInt(LABELS.length))));
            case 2 -> {
                out.add(Actor.label(href(r.nextInt(3))));
                out.add(Actor.label(href(5 + r.nextInt(2))));
                if (r.nextBoolean()) out.add(Actor.label(href(r.nextInt(3))));
            }
            case 3 -> out.add(r.nextBoolean() ? Actor.labelGroup(group(1 + r.nextInt(3)))
                    : Actor.labelGroupExcluded(group(1 + r.nextInt(2))));
            case 4 -> out.add(Actor.labelExcluded(href(r.nextInt(LABELS.length))));
            case 5 -> out.add(Actor.workload(ws.get(r.nextInt(ws.size())).href()));
            default -> out.add(Actor.ipList(ipl(1 + r.nextInt(3))));
        }
        if (r.nextInt(5) == 0) out.add(Actor.ipList(ipl(2 + r.nextInt(2))));
        if (r.nextInt(6) == 0) out.add(Actor.workload(ws.get(r.nextInt(ws.size())).href()));
        Collections.shuffle(out, r);
        return out;
    }

    private static List<ServiceRef> services(Random r) {
        List<ServiceRef> out = new ArrayList<>();
        int k = 1 + r.nextInt(2);
        for (int i = 0; i < k; i++) {
            switch (r.nextInt(6)) {
                case 0 -> out.add(ServiceRef.service(svc(1)));
                case 1 -> out.add(ServiceRef.inline(6, PORTS[r.nextInt(PORTS.length)], null));
                case 2 -> out.add(ServiceRef.inline(r.nextBoolean() ? 6 : 17, 1000, 1007));
                default -> out.add(ServiceRef.service(svc(2 + r.nextInt(4))));
            }
        }
        return out;
    }

    private static void pickLabel(Random r, List<Ref> into, int first, int count) {
        if (r.nextInt(5) != 0) into.add(lab(first + r.nextInt(count)));
    }

    private static Ref lab(int i) {
        return Ref.of(href(i));
    }

    private static String href(int i) {
        return "/orgs/1/labels/" + (i + 1);
    }

    private static String group(int i) {
        return "/orgs/1/sec_policy/draft/label_groups/" + i;
    }

    private static String ipl(int i) {
        return "/orgs/1/sec_policy/draft/ip_lists/" + i;
    }

    private static String svc(int i) {
        return "/orgs/1/sec_policy/draft/services/" + i;
    }
}
