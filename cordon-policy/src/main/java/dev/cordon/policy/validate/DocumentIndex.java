package dev.cordon.policy.validate;

import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The document's objects by href, so that every reference resolves with one hash look-up. Building it reports
 * objects without an href and hrefs used twice within one kind; the first object with an href is the one indexed.
 */
final class DocumentIndex {
    final Map<String, Label> labels;
    final Map<String, LabelGroup> labelGroups;
    final Map<String, Workload> workloads;
    final Map<String, IpList> ipLists;
    final Map<String, Service> services;
    /** Virtual service hrefs (their own checks report missing and duplicate ones). */
    final java.util.Set<String> virtualServices = new java.util.HashSet<>();

    DocumentIndex(PolicyDocument doc, Findings out) {
        labels = index(doc.labelsOrEmpty(), "label", Label::href, Names::label, out);
        labelGroups = index(doc.labelGroupsOrEmpty(), "label group", LabelGroup::href, Names::labelGroup, out);
        workloads = index(doc.workloadsOrEmpty(), "workload", Workload::href, Names::workload, out);
        ipLists = index(doc.ipListsOrEmpty(), "IP list", IpList::href, Names::ipList, out);
        services = index(doc.servicesOrEmpty(), "service", Service::href, Names::service, out);
        doc.virtualServicesOrEmpty().forEach(v -> virtualServices.add(v.href()));
    }

    private static <T> Map<String, T> index(List<T> objects, String kind, Function<T, String> href,
                                            Function<T, String> name, Findings out) {
        Map<String, T> byHref = new HashMap<>(objects.size() * 2);
        for (T o : objects) {
            String h = href.apply(o);
            if (Hrefs.missing(h)) {
                Hrefs.reportMissing(Subject.of(name.apply(o)), kind, out);
            } else if (byHref.putIfAbsent(h, o) != null) {
                Hrefs.reportDuplicate(Subject.of(name.apply(o)), kind, null, out);
            }
        }
        return byHref;
    }
}
