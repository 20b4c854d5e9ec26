package dev.cordon.pce.policy;

import dev.cordon.pce.core.Json;
import dev.cordon.pce.core.Kind;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.ServiceBinding;
import dev.cordon.policy.model.VirtualService;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The live service bindings a document is compiled with. Bindings are live objects (like workloads) naming a
 * versioned virtual service, so a binding takes effect once its virtual service is in the version compiled, and one
 * whose virtual service or workload is not there (not provisioned yet, removed, or a workload set aside) is left
 * out rather than failing the org's policy.
 */
final class LiveBindings {
    private LiveBindings() {}

    static PolicyDocument with(Store store, int org, PolicyDocument doc) {
        Set<String> services = new HashSet<>();
        for (VirtualService v : doc.virtualServicesOrEmpty()) services.add(v.href());
        Set<String> workloads = new HashSet<>();
        for (Workload w : doc.workloadsOrEmpty()) workloads.add(w.href());
        List<ServiceBinding> out = new ArrayList<>();
        for (Row r : store.objects().all(org, Kind.SERVICE_BINDING.kind())) {
            ServiceBinding b = Json.convert(Json.parse(r.body()), ServiceBinding.class, "service binding");
            if (b.virtualService() != null && services.contains(b.virtualService().href())
                    && b.workload() != null && workloads.contains(b.workload().href())) {
                out.add(b);
            }
        }
        return doc.withServiceBindings(out);
    }
}
