package dev.cordon.policy.validate;

import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.Ref;
import java.util.List;

/**
 * Actor lists (providers, consumers, custom-rule receivers) and scopes (SPEC §2): each item names exactly one
 * existing object, only labels and label groups may be excluded, and {@code ams} never sits beside included labels,
 * as "all managed workloads or these labels" is ambiguous.
 */
final class ActorValidator {
    private final DocumentIndex index;
    private final Findings out;

    ActorValidator(DocumentIndex index, Findings out) {
        this.index = index;
        this.out = out;
    }

    /** Providers or consumers of a rule. */
    void list(Subject rule, String side, List<Actor> actors) {
        if (actors.isEmpty()) {
            out.add(rule, side + "_required", side + " is empty; name at least one actor (ams, a label, a label"
                    + " group, a workload or an IP list)");
            return;
        }
        Subject where = rule.then(side);
        for (Actor a : actors) {
            if (item(where, a) && a.virtualService() != null && !side.equals("providers")) {
                out.add(where, "invalid_actor", "'" + a.display() + "' can only be a provider: a virtual service is"
                        + " where traffic goes, its bound workloads serve it");
            }
        }
        amsBesideLabels(where, actors);
    }

    /** Receivers of a custom iptables rule: labels and label groups (with exclusions), or ams. */
    void receivers(Subject rule, List<Actor> actors) {
        if (actors.isEmpty()) {
            out.add(rule, "receivers_required", "actors is empty; name the workloads the statements apply to, by"
                    + " labels, label groups or ams");
            return;
        }
        Subject where = rule.then("receivers");
        for (Actor a : actors) {
            if (item(where, a) && (a.workload() != null || a.ipList() != null || a.virtualService() != null)) {
                out.add(where, "invalid_receiver", "'" + a.display() + "' cannot receive custom iptables rules;"
                        + " receivers are labels, label groups or ams");
            }
        }
        amsBesideLabels(where, actors);
    }

    /** One label expression of a rule set's scopes. */
    void scope(Subject where, List<Actor> expression) {
        for (Actor a : expression) {
            if (a.selectorCount() != 1 || (a.label() == null && a.labelGroup() == null)) {
                out.add(where, "invalid_scope_item", "'" + a.display() + "' cannot be part of a scope; scopes are"
                        + " made of labels and label groups (optionally excluded) only");
            } else {
                reference(where, a);
            }
        }
    }

    /** Checks one item; false when it is malformed, so that its kind is unknown and no further check applies. */
    private boolean item(Subject where, Actor a) {
        int n = a.selectorCount();
        if (n != 1) {
            out.add(where, "invalid_actor", "an actor names exactly one of actors, label, label_group, workload,"
                    + " ip_list or (for providers) virtual_service, but this one names " + (n == 0 ? "none" : n + " (" + a.display() + " and more)")
                    + "; split it into one item per selector");
            return false;
        }
        if (a.actors() != null && !a.isAms()) {
            out.add(where, "invalid_actor", "actors '" + a.actors() + "' is not supported; the only value is \"ams\""
                    + " (all managed workloads)");
            return false;
        }
        if (a.isExcluded() && (a.workload() != null || a.ipList() != null || a.virtualService() != null || a.isAms())) {
            out.add(where, "exclusion_not_allowed", "'" + a.display() + "' cannot be excluded; only labels and label"
                    + " groups can, so remove \"exclusion\"");
        }
        reference(where, a);
        return true;
    }

    private void amsBesideLabels(Subject where, List<Actor> actors) {
        boolean ams = false;
        boolean includedLabels = false;
        for (Actor a : actors) {
            if (a.selectorCount() != 1) continue;
            ams |= a.isAms();
            includedLabels |= (a.label() != null || a.labelGroup() != null) && !a.isExcluded();
        }
        if (ams && includedLabels) {
            out.add(where, "ams_with_labels", "'ams' (all managed workloads) beside included labels or label groups is"
                    + " ambiguous; use ams with excluded labels only, or the labels without ams");
        }
    }

    private void reference(Subject where, Actor a) {
        if (a.label() != null) {
            known(where, a.label(), index.labels.containsKey(a.label().href()), "label", "unknown_label");
        } else if (a.labelGroup() != null) {
            known(where, a.labelGroup(), index.labelGroups.containsKey(a.labelGroup().href()), "label group",
                    "unknown_label_group");
        } else if (a.workload() != null) {
            known(where, a.workload(), index.workloads.containsKey(a.workload().href()), "workload", "unknown_workload");
        } else if (a.ipList() != null) {
            known(where, a.ipList(), index.ipLists.containsKey(a.ipList().href()), "IP list", "unknown_ip_list");
        } else if (a.virtualService() != null) {
            known(where, a.virtualService(), index.virtualServices.contains(a.virtualService().href()),
                    "virtual service", "unknown_virtual_service");
        }
    }

    private void known(Subject where, Ref ref, boolean exists, String kind, String token) {
        if (!exists) {
            out.add(where, token, kind + " " + Names.href(ref.href()) + " does not exist; create it or refer to one"
                    + " that does");
        }
    }
}
