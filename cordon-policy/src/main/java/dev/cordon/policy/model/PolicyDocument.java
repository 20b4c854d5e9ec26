package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The policy document (API.md): every object the engine needs, referenced by {@code href} exactly as written.
 * It is what the CLI reads, what the PCE exports and imports, and the input of every engine computation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"labels", "label_groups", "workloads", "ip_lists", "services", "rule_sets", "firewall_settings",
        "virtual_services", "service_bindings"})
public record PolicyDocument(List<Label> labels, List<LabelGroup> labelGroups, List<Workload> workloads,
                             List<IpList> ipLists, List<Service> services, List<RuleSet> ruleSets,
                             FirewallSettings firewallSettings, List<VirtualService> virtualServices,
                             List<ServiceBinding> serviceBindings) {
    public PolicyDocument {
        virtualServices = Lists.copy(virtualServices);
        serviceBindings = Lists.copy(serviceBindings);
        labels = Lists.copy(labels);
        labelGroups = Lists.copy(labelGroups);
        workloads = Lists.copy(workloads);
        ipLists = Lists.copy(ipLists);
        services = Lists.copy(services);
        ruleSets = Lists.copy(ruleSets);
    }

    /** A document without virtual services or service bindings. */
    public PolicyDocument(List<Label> labels, List<LabelGroup> labelGroups, List<Workload> workloads,
                          List<IpList> ipLists, List<Service> services, List<RuleSet> ruleSets,
                          FirewallSettings firewallSettings) {
        this(labels, labelGroups, workloads, ipLists, services, ruleSets, firewallSettings, null, null);
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
    public List<VirtualService> virtualServicesOrEmpty() { return Lists.orEmpty(virtualServices); }
    public List<ServiceBinding> serviceBindingsOrEmpty() { return Lists.orEmpty(serviceBindings); }

    public List<CoexistenceEntry> coexistenceOrEmpty() {
        return firewallSettings == null ? List.of() : firewallSettings.firewallCoexistenceOrEmpty();
    }

    public PolicyDocument withWorkloads(List<Workload> w) {
        return new PolicyDocument(labels, labelGroups, w, ipLists, services, ruleSets, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withRuleSets(List<RuleSet> r) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, r, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withLabels(List<Label> l) {
        return new PolicyDocument(l, labelGroups, workloads, ipLists, services, ruleSets, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withLabelGroups(List<LabelGroup> g) {
        return new PolicyDocument(labels, g, workloads, ipLists, services, ruleSets, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withIpLists(List<IpList> l) {
        return new PolicyDocument(labels, labelGroups, workloads, l, services, ruleSets, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withServices(List<Service> s) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, s, ruleSets, firewallSettings, virtualServices, serviceBindings);
    }

    public PolicyDocument withVirtualServices(List<VirtualService> v) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, ruleSets, firewallSettings, v,
                serviceBindings);
    }

    public PolicyDocument withServiceBindings(List<ServiceBinding> b) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, ruleSets, firewallSettings,
                virtualServices, b);
    }

    public PolicyDocument withFirewallSettings(FirewallSettings f) {
        return new PolicyDocument(labels, labelGroups, workloads, ipLists, services, ruleSets, f, virtualServices, serviceBindings);
    }
}
