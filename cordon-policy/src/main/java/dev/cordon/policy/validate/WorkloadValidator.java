package dev.cordon.policy.validate;

import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Ven;
import dev.cordon.policy.model.Workload;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Workloads: labels that exist (at most one per key), interface addresses that parse, prefix lengths that fit the
 * address, and a known VEN type. Names need not be unique, and a managed workload without an enforcement mode is
 * simply idle.
 */
final class WorkloadValidator {
    private WorkloadValidator() {}

    static void check(PolicyDocument doc, DocumentIndex index, Findings out) {
        for (Workload w : doc.workloadsOrEmpty()) {
            Subject about = Subject.of(Names.workload(w));
            labels(w, about, index, out);
            for (Interface itf : w.interfacesOrEmpty()) {
                address(itf, about, out);
            }
            Ven ven = w.ven();
            if (ven != null && ven.venType() != null && !Ven.SERVER.equals(ven.venType())
                    && !Ven.ENDPOINT.equals(ven.venType())) {
                out.add(about, "invalid_ven_type", "ven_type '" + ven.venType() + "' is not known; use server or"
                        + " endpoint");
            }
        }
    }

    private static void labels(Workload w, Subject about, DocumentIndex index, Findings out) {
        Map<String, String> byKey = new HashMap<>();
        for (Ref r : w.labelsOrEmpty()) {
            Label l = index.labels.get(r.href());
            if (l == null) {
                out.add(about, "unknown_label", "label " + Names.href(r.href()) + " does not exist; create it or"
                        + " remove it from the workload");
            } else if (l.key() != null) {
                String earlier = byKey.putIfAbsent(l.key(), r.href());
                if (earlier != null) {
                    out.add(about, "workload_duplicate_label_key", "labels " + earlier + " and " + r.href()
                            + " both have key " + l.key() + "; a workload carries at most one label per key");
                }
            }
        }
    }

    private static void address(Interface itf, Subject about, Findings out) {
        Subject where = about.then("interface " + itf.name());
        IPAddress a = AddressParsing.address(itf.address());
        if (a == null) {
            out.add(where, "invalid_ip_address", "address '" + itf.address() + "' is not a single IPv4 or IPv6"
                    + " address; give it without a prefix (the prefix length goes in cidr_block)");
            return;
        }
        Integer prefix = itf.cidrBlock();
        int max = a.getBitCount();
        if (prefix != null && (prefix < 0 || prefix > max)) {
            out.add(where, "invalid_cidr_block", "cidr_block " + prefix + " does not fit " + itf.address()
                    + "; use 0-" + max);
        }
    }
}
