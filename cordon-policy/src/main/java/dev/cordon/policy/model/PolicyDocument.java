package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The policy document (API.md): every object the engine needs, referenced by {@code href} exactly as written.
 * It is what the CLI reads, what the PCE exports and imports, and the input of every engine computation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"labels", "label_groups", "workloads", "ip_lists", "services", "rule_sets", "firewall_settings"})
public record PolicyDocument(List<Label> labels, List<LabelGroup> labelGroups, List<Workload> workloads,
                             List<IpList> ipLists, List<Service> services, List<RuleSet> ruleSets,
                             FirewallSettings firewallSettings) {
    public PolicyDocument {
        labels = Lists.copy(labels);
        labelGroups = Lists.copy(labelGroups);
        workloads = Lists.copy(workloads);
        ipLists = Lists.copy(ipLists);
        services = Lists.copy(services);
        ruleSets = Lists.copy(ruleSets);
    }

    public static PolicyDocument empty() {
        return new PolicyDocument(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    public List<Label> labelsOrEmpty() { return Lists.orEmpty(labels); }
    public List<LabelGroup> labelGroupsOrEmpty() { return Lists.orEmpty(labelGroups); }
    public List<Workload> workloadsOrEmpty() { return Lists.orEmpty(workloads); }
    public List<IpList> ipListsOrEmpty() { return Lists.orEmpty(ipLists); }
    public List<Service> servicesOrEmpty() { return Lists.orEmpty(services); }
    public List<RuleSet> ruleSetsOrEmpty() { return Lists.orEmpty(ruleSets); }

    public List<CoexistenceEntry> coexistenceOrEmpty() {
        return firewallSettings == null ? List.of() : firewallSettings.firewallCoexistenceOrEmpty();
    }

    public PolicyDocument withWorkloads(List<Workload> w) {
        return new PolicyDocument(labels, labelGroups, w, ipLists, services, ruleSets, firewallSettings);
    }

    public PolicyDocument withRuleSets(List<RuleSet> r) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, r, firewallSettings);
    }

    public PolicyDocument withLabels(List<Label> l) {
        return new PolicyDocument(l, labelGroups, workloads, ipLists, services, ruleSets, firewallSettings);
    }

    public PolicyDocument withLabelGroups(List<LabelGroup> g) {
        return new PolicyDocument(labels, g, workloads, ipLists, services, ruleSets, firewallSettings);
    }

    public PolicyDocument withIpLists(List<IpList> l) {
        return new PolicyDocument(labels, labelGroups, workloads, l, services, ruleSets, firewallSettings);
    }

    public PolicyDocument withServices(List<Service> s) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, s, ruleSets, firewallSettings);
    }

    public PolicyDocument withFirewallSettings(FirewallSettings f) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, ruleSets, f);
    }
}
