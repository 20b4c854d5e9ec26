package dev.cordon.policy.gen;

import dev.cordon.policy.model.Actor;
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
import java.util.List;
import java.util.Random;

/**
 * Generates a realistic organisation for benchmarks: an app × env × loc × role label mix, label groups, IP lists
 * with exclusions, services with port ranges, and rule sets scoped by app and env (as operators write them), plus a
 * few org-wide rule sets with {@code ams}, label-group and override-deny rules. Deterministic for a seed.
 */
public final class OrgGenerator {
    private static final String[] ROLES = {"web", "api", "app", "db", "cache", "queue", "batch", "lb"};
    private static final String[] ENVS = {"prod", "staging", "dev", "test"};
    private static final String[] LOCS = {"us-east", "us-west", "eu-central", "eu-west", "ap-south"};
    private static final int RULES_PER_RULE_SET = 6;

    private OrgGenerator() {}

    public static PolicyDocument generate(int workloadCount, int ruleCount, long seed) {
        Random rnd = new Random(seed);
        int apps = Math.max(8, ruleCount / (RULES_PER_RULE_SET * ENVS.length) + 1);
        List<Label> labels = new ArrayList<>();
        String[] role = new String[ROLES.length];
        String[] env = new String[ENVS.length];
        String[] loc = new String[LOCS.length];
        String[] app = new String[apps];
        int id = 1;
        for (int i = 0; i < ROLES.length; i++) labels.add(Label.of(role[i] = "/orgs/1/labels/" + id++, "role", ROLES[i]));
        for (int i = 0; i < ENVS.length; i++) labels.add(Label.of(env[i] = "/orgs/1/labels/" + id++, "env", ENVS[i]));
        for (int i = 0; i < LOCS.length; i++) labels.add(Label.of(loc[i] = "/orgs/1/labels/" + id++, "loc", LOCS[i]));
        for (int i = 0; i < apps; i++) labels.add(Label.of(app[i] = "/orgs/1/labels/" + id++, "app", "app" + i));

        List<LabelGroup> groups = List.of(
                LabelGroup.of("/orgs/1/sec_policy/draft/label_groups/1", "non-prod", "env",
                        List.of(Ref.of(env[1]), Ref.of(env[2])), List.of()),
                LabelGroup.of("/orgs/1/sec_policy/draft/label_groups/2", "all-non-prod", "env",
                        List.of(Ref.of(env[3])), List.of(Ref.of("/orgs/1/sec_policy/draft/label_groups/1"))),
                LabelGroup.of("/orgs/1/sec_policy/draft/label_groups/3", "europe", "loc",
                        List.of(Ref.of(loc[2]), Ref.of(loc[3])), List.of()),
                LabelGroup.of("/orgs/1/sec_policy/draft/label_groups/4", "frontends", "role",
                        List.of(Ref.of(role[0]), Ref.of(role[1]), Ref.of(role[7])), List.of()));

        List<Workload> workloads = new ArrayList<>(workloadCount);
        for (int w = 0; w < workloadCount; w++) {
            int a = rnd.nextInt(apps);
            int e = rnd.nextInt(ENVS.length);
            List<Ref> wl = List.of(Ref.of(role[rnd.nextInt(ROLES.length)]), Ref.of(app[a]), Ref.of(env[e]),
                    Ref.of(loc[rnd.nextInt(LOCS.length)]));
            List<Interface> itfs = new ArrayList<>();
            itfs.add(new Interface("eth0", "10." + ((w >> 16) & 255) + "." + ((w >> 8) & 255) + "." + (w & 255), 8));
            if (w % 10 == 0) itfs.add(new Interface("eth0", "fd00::" + Integer.toHexString((w + 1) >>> 16) + ":"
                    + Integer.toHexString((w + 1) & 0xffff), 64));
            String href = "/orgs/1/workloads/w" + w;
            if (w % 20 == 19) {
                workloads.add(Workload.unmanaged(href, "host-" + w, wl, itfs));
            } else {
                int m = rnd.nextInt(10);
                EnforcementMode mode = m < 7 ? EnforcementMode.FULL : m < 9 ? EnforcementMode.SELECTIVE
                        : EnforcementMode.VISIBILITY_ONLY;
                workloads.add(Workload.managed(href, "host-" + w, wl, itfs, mode, "server", "linux"));
            }
        }

        List<IpList> ipLists = new ArrayList<>();
        ipLists.add(IpList.of("/orgs/1/sec_policy/draft/ip_lists/1", IpList.ANY_NAME,
                List.of(IpRange.of("0.0.0.0/0"), IpRange.of("::/0"))));
        int ipListCount = Math.max(10, ruleCount / 50);
        for (int i = 2; i <= ipListCount; i++) {
            int b = rnd.nextInt(16);
            int c = rnd.nextInt(256);
            List<IpRange> ranges = new ArrayList<>();
            ranges.add(IpRange.of("172." + (16 + b) + "." + c + ".0/24"));
            ranges.add(new IpRange("192.168." + c + ".10", "192.168." + c + ".200", false, null));
            if (i % 3 == 0) ranges.add(IpRange.excluded("172." + (16 + b) + "." + c + ".128/25"));
            ipLists.add(IpList.of("/orgs/1/sec_policy/draft/ip_lists/" + i, "partners-" + i, ranges));
        }

        List<Service> services = new ArrayList<>();
        services.add(Service.of("/orgs/1/sec_policy/draft/services/1", Service.ALL_SERVICES_NAME,
                List.of(new ServicePort(ServicePort.ALL, null, null, null, null))));
        int serviceCount = 40;
        for (int i = 2; i <= serviceCount; i++) {
            int port = 1000 + i * 37;
            List<ServicePort> ports = i % 4 == 0
                    ? List.of(ServicePort.of(6, port, port + 20), ServicePort.of(17, port, null))
                    : List.of(ServicePort.of(6, port, null));
            services.add(Service.of("/orgs/1/sec_policy/draft/services/" + i, "svc-" + i, ports));
        }

        List<RuleSet> ruleSets = new ArrayList<>();
        int rules = 0;
        int rsId = 1;
        int ruleId = 1;
        // Org-wide rule sets: monitoring from an IP list to everything, SSH from admins, an override deny.
        ruleSets.add(RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/" + rsId, "org-wide", List.of(List.of()),
                List.of(Rule.allow("/orgs/1/sec_policy/draft/rule_sets/" + rsId + "/sec_rules/" + ruleId++,
                                List.of(Actor.ams()), List.of(Actor.ipList(ipLists.get(1).href())),
                                List.of(ServiceRef.inline(6, 9100, null)), true, false),
                        Rule.allow("/orgs/1/sec_policy/draft/rule_sets/" + rsId + "/sec_rules/" + ruleId++,
                                List.of(Actor.labelGroup(groups.get(0).href())), List.of(Actor.label(role[6])),
                                List.of(ServiceRef.inline(6, 22, null)), false, false)),
                List.of(Rule.deny("/orgs/1/sec_policy/draft/rule_sets/" + rsId + "/deny_rules/1",
                                List.of(Actor.label(env[0])), List.of(Actor.labelGroup(groups.get(1).href())),
                                List.of(ServiceRef.service(services.get(0).href())), false, false),
                        Rule.deny("/orgs/1/sec_policy/draft/rule_sets/" + rsId + "/deny_rules/2",
                                List.of(Actor.ams()), List.of(Actor.ipList(ipLists.get(2).href())),
                                List.of(ServiceRef.inline(6, 23, null)), true, true)),
                List.of()));
        rules += 4;
        rsId++;
        outer:
        while (rules < ruleCount) {
            for (int a = 0; a < apps && rules < ruleCount; a++) {
                for (int e = 0; e < ENVS.length && rules < ruleCount; e++) {
                    String rsHref = "/orgs/1/sec_policy/draft/rule_sets/" + rsId++;
                    List<Rule> allows = new ArrayList<>();
                    List<Rule> denies = new ArrayList<>();
                    for (int k = 0; k < RULES_PER_RULE_SET && rules < ruleCount; k++, rules++) {
                        String svc = services.get(1 + rnd.nextInt(serviceCount - 1)).href();
                        int p = rnd.nextInt(ROLES.length);
                        int c = rnd.nextInt(ROLES.length);
                        if (k == RULES_PER_RULE_SET - 1) {
                            denies.add(Rule.deny(rsHref + "/deny_rules/" + ruleId++, List.of(Actor.label(role[p])),
                                    List.of(Actor.labelGroup(groups.get(3).href())),
                                    List.of(ServiceRef.service(svc)), false, false));
                        } else if (k == RULES_PER_RULE_SET - 2) {
                            allows.add(Rule.allow(rsHref + "/sec_rules/" + ruleId++, List.of(Actor.label(role[p])),
                                    List.of(Actor.ipList(ipLists.get(1 + rnd.nextInt(ipLists.size() - 1)).href())),
                                    List.of(ServiceRef.service(svc)), true, false));
                        } else {
                            allows.add(Rule.allow(rsHref + "/sec_rules/" + ruleId++, List.of(Actor.label(role[p])),
                                    List.of(Actor.label(role[c])), List.of(ServiceRef.service(svc)), false, false));
                        }
                    }
                    ruleSets.add(RuleSet.of(rsHref, "app" + a + "-" + ENVS[e],
                            List.of(List.of(Actor.label(app[a]), Actor.label(env[e]))), allows, denies, List.of()));
                }
            }
            if (apps == 0) break outer;
        }
        return new PolicyDocument(labels, groups, workloads, ipLists, services, ruleSets,
                FirewallSettings.of(List.of()));
    }
}
