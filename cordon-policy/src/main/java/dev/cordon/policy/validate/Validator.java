package dev.cordon.policy.validate;

import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Statement;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a whole policy document and reports every problem at once, each a stable token and a message that
 * names the object (href or name) and says how to fix it. Runs in time linear in the document (hash look-ups only),
 * so a document of 100,000 workloads and 10,000 rules validates in well under a second.
 */
public final class Validator {
    /** An org holds at most this many stateless rules (SPEC §3). */
    public static final int MAX_STATELESS_RULES = 100;
    private static final Set<Integer> PORTED = Set.of(ServicePort.TCP, ServicePort.UDP, 132);

    private final PolicyDocument doc;
    private final List<ValidationError> errors = new ArrayList<>();
    private final Map<String, Label> labels = new HashMap<>();
    private final Map<String, LabelGroup> groups = new HashMap<>();
    private final Set<String> workloads = new HashSet<>();
    private final Set<String> ipLists = new HashSet<>();
    private final Set<String> services = new HashSet<>();
    private int statelessRules;

    private Validator(PolicyDocument doc) {
        this.doc = doc;
    }

    /** Every problem in the document; empty when it is valid. */
    public static List<ValidationError> validate(PolicyDocument doc) {
        Validator v = new Validator(doc);
        v.run();
        return List.copyOf(v.errors);
    }

    /** Throws {@link PolicyException} carrying every problem, if there is any. */
    public static void requireValid(PolicyDocument doc) {
        List<ValidationError> e = validate(doc);
        if (!e.isEmpty()) throw new PolicyException(e);
    }

    /** The problems that concern one rule set of the document (used when a rule set is saved). */
    public static List<ValidationError> validateRuleSet(PolicyDocument doc, RuleSet rs) {
        String tag = ruleSetName(rs);
        return validate(doc).stream().filter(e -> e.message().contains(tag)).toList();
    }

    private void run() {
        indexAndCheckLabels();
        checkLabelGroups();
        checkWorkloads();
        checkIpLists();
        checkServices();
        checkRuleSets();
        checkFirewallSettings();
    }

    private void error(String token, String message) {
        errors.add(new ValidationError(token, message));
    }

    private boolean href(String kind, String href, String name, Set<String> seen) {
        if (href == null || href.isBlank()) {
            error("missing_href", "A " + kind + (name == null ? "" : " ('" + name + "')") + " has no href: give each"
                    + " object an href such as /orgs/1/... so that others can refer to it.");
            return false;
        }
        if (!seen.add(href)) {
            error("duplicate_href", "Two " + kind + "s share the href " + href + ": hrefs must be unique.");
            return false;
        }
        return true;
    }

    // ---- labels and label groups ----

    private void indexAndCheckLabels() {
        Set<String> seen = new HashSet<>();
        Map<String, String> byKeyValue = new HashMap<>();
        for (Label l : doc.labelsOrEmpty()) {
            if (!href("label", l.href(), l.value(), seen)) continue;
            labels.put(l.href(), l);
            if (l.key() == null || l.key().isBlank()) {
                error("label_key_required", "Label " + l.href() + " has no key: give one of role, app, env, loc, or a key of your own.");
            }
            if (l.value() == null || l.value().isBlank()) {
                error("label_value_required", "Label " + l.href() + " has no value: give it one, e.g. \"web\".");
            }
            if (l.key() != null && l.value() != null) {
                String other = byKeyValue.putIfAbsent(l.key() + "\u0000" + l.value(), l.href());
                if (other != null) {
                    error("label_key_and_value_must_be_unique", "Labels " + other + " and " + l.href() + " are both "
                            + l.key() + "=" + l.value() + ": keep one and point references to it.");
                }
            }
        }
    }

    private void checkLabelGroups() {
        Set<String> seen = new HashSet<>();
        Map<String, String> names = new HashMap<>();
        for (LabelGroup g : doc.labelGroupsOrEmpty()) {
            if (href("label group", g.href(), g.name(), seen)) groups.put(g.href(), g);
        }
        for (LabelGroup g : doc.labelGroupsOrEmpty()) {
            String what = "Label group '" + g.name() + "' (" + g.href() + ")";
            if (g.name() == null || g.name().isBlank()) {
                error("label_group_name_required", "Label group " + g.href() + " has no name: give it one.");
            } else if (names.putIfAbsent(g.name(), String.valueOf(g.href())) != null) {
                error("label_group_name_in_use", what + ": the name is already used by " + names.get(g.name())
                        + "; label group names are unique.");
            }
            if (g.key() == null || g.key().isBlank()) {
                error("label_group_key_required", what + " has no key: a label group holds labels of one key.");
            }
            for (Ref r : g.labelsOrEmpty()) {
                Label l = labels.get(r.href());
                if (l == null) {
                    error("unknown_label", what + " names label " + r.href() + ", which does not exist: create it or remove it from the group.");
                } else if (g.key() != null && !g.key().equals(l.key())) {
                    error("label_group_mixed_keys", what + " is of key " + g.key() + " but holds label " + r.href()
                            + " (" + l.display() + "): a group holds labels of its own key only.");
                }
            }
            for (Ref r : g.subGroupsOrEmpty()) {
                LabelGroup sub = groups.get(r.href());
                if (sub == null) {
                    error("unknown_label_group", what + " names sub-group " + r.href() + ", which does not exist.");
                } else if (g.key() != null && !g.key().equals(sub.key())) {
                    error("label_group_mixed_keys", what + " is of key " + g.key() + " but holds sub-group '"
                            + sub.name() + "' of key " + sub.key() + ": sub-groups must have the same key.");
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (LabelGroup g : doc.labelGroupsOrEmpty()) {
            if (g.href() != null) findCycle(g.href(), new ArrayList<>(), new HashSet<>(), done);
        }
    }

    private void findCycle(String href, List<String> path, Set<String> onPath, Set<String> done) {
        if (done.contains(href)) return;
        if (onPath.contains(href)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(href), path.size()));
            cycle.add(href);
            error("label_group_cycle", "Label groups form a cycle: " + String.join(" -> ", cycle)
                    + ". Remove one of these sub-group references.");
            return;
        }
        LabelGroup g = groups.get(href);
        if (g == null) return;
        onPath.add(href);
        path.add(href);
        for (Ref r : g.subGroupsOrEmpty()) findCycle(r.href(), path, onPath, done);
        path.remove(path.size() - 1);
        onPath.remove(href);
        done.add(href);
    }

    // ---- workloads ----

    private void checkWorkloads() {
        Set<String> seen = workloads;
        for (Workload w : doc.workloadsOrEmpty()) {
            if (!href("workload", w.href(), w.name(), seen)) continue;
            String what = "Workload '" + w.display() + "' (" + w.href() + ")";
            Map<String, String> keys = new HashMap<>();
            for (Ref r : w.labelsOrEmpty()) {
                Label l = labels.get(r.href());
                if (l == null) {
                    error("unknown_label", what + " carries label " + r.href() + ", which does not exist: create it or remove it.");
                } else if (keys.putIfAbsent(l.key(), r.href()) != null) {
                    error("workload_duplicate_label_key", what + " carries two labels of key " + l.key() + " ("
                            + keys.get(l.key()) + ", " + r.href() + "): a workload has at most one label per key.");
                }
            }
            for (Interface itf : w.interfacesOrEmpty()) {
                if (AddrRanges.canonical(itf.address()) == null) {
                    error("invalid_ip_address", what + ", interface " + itf.name() + ": '" + itf.address()
                            + "' is not an IPv4 or IPv6 address.");
                }
                if (itf.cidrBlock() != null && (itf.cidrBlock() < 0 || itf.cidrBlock() > 128)) {
                    error("invalid_cidr_block", what + ", interface " + itf.name() + ": cidr_block " + itf.cidrBlock()
                            + " is not a prefix length (0-32 for IPv4, 0-128 for IPv6).");
                }
            }
            if (w.ven() != null && w.ven().venType() != null
                    && !Set.of("server", "endpoint").contains(w.ven().venType())) {
                error("invalid_ven_type", what + ": ven_type '" + w.ven().venType() + "' is not server or endpoint.");
            }
        }
    }

    // ---- IP lists and services ----

    private void checkIpLists() {
        Set<String> seen = new HashSet<>();
        Map<String, String> names = new HashMap<>();
        for (IpList l : doc.ipListsOrEmpty()) {
            if (!href("IP list", l.href(), l.name(), seen)) continue;
            ipLists.add(l.href());
            String what = "IP list '" + l.name() + "' (" + l.href() + ")";
            uniqueName("ip_list", "IP list", l.name(), l.href(), names);
            AddrRanges inc = AddrRanges.EMPTY;
            List<Object[]> exclusions = new ArrayList<>();
            for (IpRange r : l.ipRangesOrEmpty()) {
                AddrRanges a;
                try {
                    a = AddrRanges.parse(r.fromIp(), r.toIp());
                } catch (IllegalArgumentException e) {
                    error("invalid_ip_range", what + ", range " + r.display() + ": " + e.getMessage()
                            + ". Give an address, a CIDR, or from_ip/to_ip addresses of one IP version.");
                    continue;
                }
                if (r.toIp() != null && !r.toIp().isBlank() && r.fromIp() != null && r.fromIp().contains("/")) {
                    error("invalid_ip_range", what + ", range " + r.display() + ": from_ip is a CIDR; a range with"
                            + " to_ip starts at an address.");
                }
                if (r.isExclusion()) exclusions.add(new Object[] {r, a});
                else inc = inc.union(a);
            }
            for (Object[] e : exclusions) {
                if (!inc.containsAll((AddrRanges) e[1])) {
                    error("exclusion_outside_ip_list", what + ": exclusion " + ((IpRange) e[0]).display()
                            + " is not inside the list's included ranges; an exclusion can only remove addresses the"
                            + " list includes.");
                }
            }
        }
    }

    private void checkServices() {
        Set<String> seen = new HashSet<>();
        Map<String, String> names = new HashMap<>();
        for (Service s : doc.servicesOrEmpty()) {
            if (!href("service", s.href(), s.name(), seen)) continue;
            services.add(s.href());
            String what = "Service '" + s.name() + "' (" + s.href() + ")";
            uniqueName("service", "Service", s.name(), s.href(), names);
            if (s.servicePortsOrEmpty().isEmpty()) {
                error("service_ports_required", what + " has no service_ports: give at least one {proto, port}.");
            }
            for (ServicePort p : s.servicePortsOrEmpty()) {
                port(what, p.proto(), p.port(), p.toPort(), p.icmpType(), p.icmpCode());
            }
        }
    }

    private void uniqueName(String kind, String label, String name, String href, Map<String, String> names) {
        if (name == null || name.isBlank()) {
            error(kind + "_name_required", label + " " + href + " has no name: give it one.");
        } else if (names.putIfAbsent(name, href) != null) {
            error(kind + "_name_in_use", label + " '" + name + "' (" + href + "): the name is already used by "
                    + names.get(name) + "; names are unique.");
        }
    }

    private void port(String what, Integer proto, Integer port, Integer toPort, Integer icmpType, Integer icmpCode) {
        String where = what + ", port " + describe(proto, port, toPort);
        if (proto == null) {
            error("service_port_protocol_required", where + ": proto is missing; give an IANA protocol number"
                    + " (6 tcp, 17 udp, 1 icmp) or -1 for all.");
            return;
        }
        if (proto < -1 || proto > 255) {
            error("invalid_protocol", where + ": proto " + proto + " is not a protocol number (0-255, or -1 for all).");
            return;
        }
        if (proto == ServicePort.ALL && (port != null || toPort != null)) {
            error("port_with_all_protocols", where + ": proto -1 means every protocol and port; remove the port or"
                    + " give a protocol.");
        } else if ((port != null || toPort != null) && !PORTED.contains(proto)) {
            error("port_not_allowed_for_protocol", where + ": protocol " + proto + " has no ports; only TCP (6),"
                    + " UDP (17) and SCTP (132) do.");
        }
        for (Integer p : new Integer[] {port, toPort}) {
            if (p != null && (p < 0 || p > 65535)) {
                error("invalid_port", where + ": port " + p + " is out of range; use 0-65535.");
            }
        }
        if (toPort != null && port == null) {
            error("invalid_port_range", where + ": to_port needs a port to start from.");
        } else if (toPort != null && toPort < port) {
            error("invalid_port_range", where + ": to_port " + toPort + " is below port " + port
                    + "; give the range low to high.");
        }
        boolean icmp = proto == ServicePort.ICMP || proto == ServicePort.ICMPV6;
        if ((icmpType != null || icmpCode != null) && !icmp) {
            error("icmp_fields_not_allowed", where + ": icmp_type and icmp_code belong to ICMP (1) or ICMPv6 (58) only.");
        }
        for (Integer v : new Integer[] {icmpType, icmpCode}) {
            if (v != null && (v < 0 || v > 255)) {
                error("invalid_icmp_type", where + ": ICMP type or code " + v + " is out of range; use 0-255.");
            }
        }
    }

    private static String describe(Integer proto, Integer port, Integer toPort) {
        return (proto == null ? "?" : proto) + (port == null ? "" : "/" + port) + (toPort == null ? "" : "-" + toPort);
    }

    // ---- rule sets ----

    private static String ruleSetName(RuleSet rs) {
        return "Rule set '" + rs.name() + "'" + (rs.href() == null ? "" : " (" + rs.href() + ")");
    }

    private void checkRuleSets() {
        Set<String> seen = new HashSet<>();
        Set<String> ruleHrefs = new HashSet<>();
        Map<String, String> names = new HashMap<>();
        for (RuleSet rs : doc.ruleSetsOrEmpty()) {
            href("rule set", rs.href(), rs.name(), seen);
            String what = ruleSetName(rs);
            if (rs.name() == null || rs.name().isBlank()) {
                error("rule_set_name_required", "Rule set " + rs.href() + " has no name: give it one.");
            } else if (names.putIfAbsent(rs.name(), String.valueOf(rs.href())) != null) {
                error("rule_set_name_in_use", what + ": the name is already used by " + names.get(rs.name())
                        + "; rule set names are unique.");
            }
            int i = 0;
            for (List<Actor> scope : rs.scopesOrEmpty()) {
                i++;
                for (Actor a : scope) {
                    if (a.selectorCount() != 1 || (a.label() == null && a.labelGroup() == null)) {
                        error("invalid_scope_item", what + ", scope " + i + ": '" + a.display() + "' is not a label"
                                + " or label group; scopes are made of labels and label groups only.");
                    } else {
                        reference(what + ", scope " + i, a);
                    }
                }
            }
            for (Rule r : rs.rulesOrEmpty()) rule(what, r, false, ruleHrefs);
            for (Rule r : rs.denyRulesOrEmpty()) rule(what, r, true, ruleHrefs);
            for (IpTablesRule r : rs.ipTablesRulesOrEmpty()) customRule(what, r, ruleHrefs);
        }
    }

    private void rule(String ruleSet, Rule r, boolean deny, Set<String> ruleHrefs) {
        String what = ruleSet + ", " + (deny ? (r.isOverride() ? "override deny rule " : "deny rule ") : "allow rule ")
                + (r.href() == null ? "(no href)" : r.href());
        if (r.href() != null && !ruleHrefs.add(r.href())) {
            error("duplicate_href", what + ": another rule has the same href; hrefs must be unique.");
        }
        actors(what, "providers", r.providersOrEmpty());
        actors(what, "consumers", r.consumersOrEmpty());
        if (r.ingressServicesOrEmpty().isEmpty()) {
            error("ingress_services_required", what + " has no ingress_services: name at least one service"
                    + " (use All Services for everything).");
        }
        for (ServiceRef s : r.ingressServicesOrEmpty()) {
            if (s.href() != null) {
                if (s.proto() != null || s.port() != null || s.toPort() != null) {
                    error("invalid_service_reference", what + ": an ingress service names both href " + s.href()
                            + " and a port; give one or the other.");
                } else if (!services.contains(s.href())) {
                    error("unknown_service", what + " names service " + s.href() + ", which does not exist.");
                }
            } else {
                port(what, s.proto(), s.port(), s.toPort(), s.icmpType(), s.icmpCode());
            }
        }
        if (!deny && r.override() != null && r.isOverride()) {
            error("override_on_allow_rule", what + ": override belongs to deny rules; move it to deny_rules.");
        }
        if (deny && r.isStateless()) {
            error("stateless_on_deny_rule", what + ": stateless applies to allow rules only.");
        }
        if (!deny && r.isStateless()) {
            statelessRules++;
            if (statelessRules > MAX_STATELESS_RULES) {
                error("stateless_rule_limit_exceeded", what + " is stateless rule number " + statelessRules
                        + "; an org holds at most " + MAX_STATELESS_RULES + " stateless rules. Make it stateful.");
            }
            statelessProviders(what, r.providersOrEmpty());
        }
    }

    /** SPEC §3: exactly one workload; or labels only, one per key, at most four; or ams together with IP lists. */
    private void statelessProviders(String what, List<Actor> providers) {
        long workloadsN = providers.stream().filter(a -> a.workload() != null).count();
        long labelsN = providers.stream().filter(a -> a.label() != null).count();
        long ams = providers.stream().filter(Actor::isAms).count();
        long ipListsN = providers.stream().filter(a -> a.ipList() != null).count();
        long groupsN = providers.stream().filter(a -> a.labelGroup() != null).count();
        long excluded = providers.stream().filter(Actor::isExcluded).count();
        boolean oneWorkload = workloadsN == 1 && providers.size() == 1;
        boolean onlyLabels = labelsN == providers.size() && labelsN > 0 && excluded == 0 && groupsN == 0;
        boolean amsAndIpLists = ams == 1 && ipListsN >= 1 && ams + ipListsN == providers.size();
        if (onlyLabels) {
            Set<String> keys = new HashSet<>();
            for (Actor a : providers) {
                Label l = labels.get(a.label().href());
                if (l != null && !keys.add(l.key())) {
                    error("stateless_rule_providers", what + ": a stateless rule's providers may name at most one"
                            + " label per key; " + l.key() + " appears twice.");
                }
            }
            if (labelsN > 4) {
                error("stateless_rule_providers", what + ": a stateless rule's providers may name at most four labels,"
                        + " not " + labelsN + ".");
            }
            return;
        }
        if (!oneWorkload && !amsAndIpLists) {
            error("stateless_rule_providers", what + ": a stateless rule's providers must be exactly one workload;"
                    + " or labels only (no groups, no exclusions; at most one per key and four in all); or all"
                    + " workloads (ams) together with IP lists. Change the providers or make the rule stateful.");
        }
    }

    private void actors(String what, String side, List<Actor> actors) {
        if (actors.isEmpty()) {
            error(side + "_required", what + " has no " + side + ": name at least one actor.");
            return;
        }
        boolean ams = false;
        boolean includedLabel = false;
        for (Actor a : actors) {
            if (!actor(what + ", " + side, a)) continue;
            if (a.isAms()) ams = true;
            if ((a.label() != null || a.labelGroup() != null) && !a.isExcluded()) includedLabel = true;
        }
        if (ams && includedLabel) {
            error("ams_with_labels", what + ", " + side + ": 'ams' (all managed workloads) together with included"
                    + " labels is ambiguous; use ams with exclusions, or labels without ams.");
        }
    }

    /** Checks one actor item; false when it is malformed (then its kind is unknown). */
    private boolean actor(String where, Actor a) {
        if (a.selectorCount() != 1) {
            error("invalid_actor", where + ": an actor names exactly one of actors, label, label_group, workload,"
                    + " ip_list; this one names " + (a.selectorCount() == 0 ? "none" : a.selectorCount()) + ".");
            return false;
        }
        if (a.actors() != null && !a.isAms()) {
            error("invalid_actor", where + ": actors '" + a.actors() + "' is not supported; the only value is \"ams\".");
            return false;
        }
        if (a.isExcluded() && (a.workload() != null || a.ipList() != null || a.isAms())) {
            error("exclusion_not_allowed", where + ": '" + a.display() + "' cannot be excluded; only labels and"
                    + " label groups can.");
        }
        reference(where, a);
        return true;
    }

    private void reference(String where, Actor a) {
        if (a.label() != null && !labels.containsKey(a.label().href())) {
            error("unknown_label", where + " names label " + a.label().href() + ", which does not exist.");
        } else if (a.labelGroup() != null && !groups.containsKey(a.labelGroup().href())) {
            error("unknown_label_group", where + " names label group " + a.labelGroup().href() + ", which does not exist.");
        } else if (a.workload() != null && !workloads.contains(a.workload().href())) {
            error("unknown_workload", where + " names workload " + a.workload().href() + ", which does not exist.");
        } else if (a.ipList() != null && !ipLists.contains(a.ipList().href())) {
            error("unknown_ip_list", where + " names IP list " + a.ipList().href() + ", which does not exist.");
        }
    }

    private void customRule(String ruleSet, IpTablesRule r, Set<String> ruleHrefs) {
        String what = ruleSet + ", custom iptables rule " + (r.href() == null ? "(no href)" : r.href());
        if (r.href() != null && !ruleHrefs.add(r.href())) {
            error("duplicate_href", what + ": another rule has the same href; hrefs must be unique.");
        }
        if (r.actorsOrEmpty().isEmpty()) {
            error("receivers_required", what + " has no actors (receivers): name labels or ams.");
        }
        for (Actor a : r.actorsOrEmpty()) {
            if (!actor(what + ", receivers", a)) continue;
            if (a.workload() != null || a.ipList() != null) {
                error("invalid_receiver", what + ": receivers are labels, label groups or ams, not '" + a.display() + "'.");
            }
        }
        if (!"4".equals(r.ipVersion()) && !"6".equals(r.ipVersion())) {
            error("invalid_ip_version", what + ": ip_version '" + r.ipVersion() + "' must be \"4\" or \"6\".");
        }
        if (r.statementsOrEmpty().isEmpty()) {
            error("statements_required", what + " has no statements: give at least one {table_name, chain_name, parameters}.");
        }
        for (Statement s : r.statementsOrEmpty()) {
            for (CustomIptablesRules.Problem p : CustomIptablesRules.check(s.tableName(), s.chainName(), s.parameters())) {
                error(p.token(), what + ", statement '" + s.display() + "': " + p.reason() + ".");
            }
        }
    }

    // ---- firewall settings ----

    private void checkFirewallSettings() {
        int i = 0;
        for (CoexistenceEntry e : doc.coexistenceOrEmpty()) {
            i++;
            String what = "Firewall coexistence entry " + i;
            for (Ref r : e.scopeOrEmpty()) {
                if (r.href() == null || !labels.containsKey(r.href())) {
                    error("unknown_label", what + ": scope names label " + r.href() + ", which does not exist;"
                            + " a coexistence scope lists existing labels.");
                }
            }
            if (e.workloadMode() != null && !Set.of(CoexistenceEntry.ENFORCED, CoexistenceEntry.ILLUMINATED)
                    .contains(e.workloadMode())) {
                error("invalid_workload_mode", what + ": workload_mode '" + e.workloadMode() + "' must be enforced,"
                        + " illuminated, or absent (all modes).");
            }
        }
    }
}
