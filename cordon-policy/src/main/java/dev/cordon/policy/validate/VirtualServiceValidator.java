package dev.cordon.policy.validate;

import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.ServiceBinding;
import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.VirtualService;
import java.util.HashMap;
import java.util.Map;

/**
 * Virtual services and their bindings: a virtual service has an href, a unique name, well-formed ports and existing
 * labels; a binding names an existing virtual service and workload, and each port override names one of the virtual
 * service's ports (by port and proto) and a well-formed new port.
 */
final class VirtualServiceValidator {
    private VirtualServiceValidator() {}

    static void check(PolicyDocument doc, DocumentIndex index, Findings out) {
        UniqueNames<VirtualService> names = new UniqueNames<>("virtual_service", VirtualService::href);
        Map<String, VirtualService> byHref = new HashMap<>();
        for (VirtualService v : doc.virtualServicesOrEmpty()) {
            Subject about = Subject.of("virtual service " + (v.href() != null ? v.href() : "'" + v.name() + "'"));
            if (Hrefs.missing(v.href())) Hrefs.reportMissing(about, "virtual service", out);
            else if (byHref.putIfAbsent(v.href(), v) != null) Hrefs.reportDuplicate(about, "virtual service", null, out);
            names.check(about, v.name(), v, out);
            if (v.servicePortsOrEmpty().isEmpty()) {
                out.add(about, "service_ports_required", "service_ports is empty; give at least one {proto, port}");
            }
            for (ServicePort p : v.servicePortsOrEmpty()) {
                PortValidator.check(about, "service port", p.proto(), p.port(), p.toPort(), p.icmpType(), p.icmpCode(), out);
            }
            for (Ref l : v.labelsOrEmpty()) {
                if (!index.labels.containsKey(l.href())) {
                    out.add(about, "unknown_label", "label " + Names.href(l.href()) + " does not exist; create it or"
                            + " refer to one that does");
                }
            }
        }
        for (ServiceBinding b : doc.serviceBindingsOrEmpty()) {
            Subject about = Subject.of("service binding " + (b.href() != null ? b.href() : ""));
            VirtualService vs = b.virtualService() == null ? null : byHref.get(b.virtualService().href());
            if (vs == null) {
                out.add(about, "unknown_virtual_service", "virtual_service " + (b.virtualService() == null ? "(missing)"
                        : Names.href(b.virtualService().href())) + " does not exist; bind an existing virtual service");
            }
            if (b.workload() == null || !index.workloads.containsKey(b.workload().href())) {
                out.add(about, "unknown_workload", "workload " + (b.workload() == null ? "(missing)"
                        : Names.href(b.workload().href())) + " does not exist; bind the virtual service to an existing workload");
            }
            for (ServiceBinding.PortOverride o : b.portOverridesOrEmpty()) {
                boolean matches = vs != null && vs.servicePortsOrEmpty().stream().anyMatch(p -> o.port() != null
                        && o.port().equals(p.port()) && o.proto() != null && o.proto().equals(p.proto()));
                if (vs != null && !matches) {
                    out.add(about, "invalid_port_override", "port override " + o.port() + "/" + o.proto()
                            + " names no port of the virtual service; use one of its service_ports (port and proto)");
                }
                if (o.newPort() == null) {
                    out.add(about, "invalid_port_override", "port override of " + o.port() + " has no new_port");
                } else {
                    PortValidator.check(about, "new port", o.proto(), o.newPort(), o.newToPort(), null, null, out);
                }
            }
        }
    }
}
