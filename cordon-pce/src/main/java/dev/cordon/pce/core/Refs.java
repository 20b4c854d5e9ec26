package dev.cordon.pce.core;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.IpTablesRule;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * The references an object makes to others, as (collection, href) pairs. One definition serves three checks:
 * dangling references on save, "in use" on delete, and the dependencies of a provision's change subset.
 */
public final class Refs {
    private Refs() {}

    /** A reference from one object to another: the target's collection (labels, ip_lists, ...) and href. */
    public record Reference(String collection, String href) {}

    public static List<Reference> of(Object o) {
        List<Reference> out = new ArrayList<>();
        if (o instanceof RuleSet rs) {
            for (List<Actor> scope : rs.scopesOrEmpty()) actors(scope, out);
            for (Rule r : rs.rulesOrEmpty()) rule(r, out);
            for (Rule r : rs.denyRulesOrEmpty()) rule(r, out);
            for (IpTablesRule r : rs.ipTablesRulesOrEmpty()) actors(r.actorsOrEmpty(), out);
        } else if (o instanceof LabelGroup g) {
            for (Ref r : g.labelsOrEmpty()) out.add(new Reference("labels", r.href()));
            for (Ref r : g.subGroupsOrEmpty()) out.add(new Reference("label_groups", r.href()));
        } else if (o instanceof FirewallSettings f) {
            for (CoexistenceEntry e : f.firewallCoexistenceOrEmpty()) {
                for (Ref r : e.scopeOrEmpty()) out.add(new Reference("labels", r.href()));
            }
        } else if (o instanceof Workload w) {
            for (Ref r : w.labelsOrEmpty()) out.add(new Reference("labels", r.href()));
        } else if (o instanceof dev.cordon.policy.model.VirtualService v) {
            for (Ref r : v.labelsOrEmpty()) out.add(new Reference("labels", r.href()));
        } else if (o instanceof dev.cordon.policy.model.ServiceBinding b) {
            if (b.workload() != null) out.add(new Reference("workloads", b.workload().href()));
            if (b.virtualService() != null) out.add(new Reference("virtual_services", b.virtualService().href()));
        }
        return out;
    }

    public static void rule(Rule r, List<Reference> out) {
        actors(r.providersOrEmpty(), out);
        actors(r.consumersOrEmpty(), out);
        for (ServiceRef s : r.ingressServicesOrEmpty()) {
            if (!s.isInline()) out.add(new Reference("services", s.href()));
        }
    }

    private static void actors(List<Actor> actors, List<Reference> out) {
        for (Actor a : actors) {
            if (a.label() != null) out.add(new Reference("labels", a.label().href()));
            if (a.labelGroup() != null) out.add(new Reference("label_groups", a.labelGroup().href()));
            if (a.workload() != null) out.add(new Reference("workloads", a.workload().href()));
            if (a.ipList() != null) out.add(new Reference("ip_lists", a.ipList().href()));
            if (a.virtualService() != null) out.add(new Reference("virtual_services", a.virtualService().href()));
        }
    }
}
