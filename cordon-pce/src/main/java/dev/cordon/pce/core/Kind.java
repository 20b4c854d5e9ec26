package dev.cordon.pce.core;

import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.Workload;
import java.util.List;

/**
 * One kind of API object: how it is stored ({@code kind}), where it lives ({@code collection} under the org, or under
 * {@code sec_policy/draft} when {@code versioned}), which model record checks its shape, and its event prefix.
 */
public record Kind(String kind, String collection, Class<?> model, String what, boolean versioned, boolean uuidIds) {
    public static final Kind LABEL = new Kind("label", "labels", Label.class, "label", false, false);
    public static final Kind WORKLOAD = new Kind("workload", "workloads", Workload.class, "workload", false, true);
    public static final Kind LABEL_GROUP = new Kind("label_group", "label_groups", LabelGroup.class, "label group", true, false);
    public static final Kind IP_LIST = new Kind("ip_list", "ip_lists", IpList.class, "IP list", true, false);
    public static final Kind SERVICE = new Kind("service", "services", Service.class, "service", true, false);
    public static final Kind VIRTUAL_SERVICE = new Kind("virtual_service", "virtual_services",
            dev.cordon.policy.model.VirtualService.class, "virtual service", true, true);
    /** Live, like workloads: a binding puts an (active) virtual service on a workload. */
    public static final Kind SERVICE_BINDING = new Kind("service_binding", "service_bindings",
            dev.cordon.policy.model.ServiceBinding.class, "service binding", false, true);
    public static final Kind RULE_SET = new Kind("rule_set", "rule_sets", RuleSet.class, "rule set", true, false);
    public static final Kind FIREWALL_SETTINGS =
            new Kind("firewall_settings", "firewall_settings", FirewallSettings.class, "firewall settings", true, false);

    /** The versioned kinds, in the order a policy document lists them. */
    public static final List<Kind> VERSIONED = List.of(LABEL_GROUP, IP_LIST, SERVICE, VIRTUAL_SERVICE, RULE_SET,
            FIREWALL_SETTINGS);

    /** The event type prefix, e.g. {@code rule_set} for {@code rule_set.create}. */
    public String event() {
        return kind;
    }

    public String base(int org) {
        return versioned ? "/orgs/" + org + "/sec_policy/draft/" + collection : "/orgs/" + org + "/" + collection;
    }
}
