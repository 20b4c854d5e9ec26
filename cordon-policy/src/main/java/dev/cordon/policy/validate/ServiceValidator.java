package dev.cordon.policy.validate;

import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Service;
import dev.cordon.policy.model.ServicePort;

/** Services: a unique name and at least one well-formed protocol-and-port entry. */
final class ServiceValidator {
    private ServiceValidator() {}

    static void check(PolicyDocument doc, Findings out) {
        UniqueNames<Service> names = new UniqueNames<>("service", Service::href);
        for (Service s : doc.servicesOrEmpty()) {
            Subject about = Subject.of(Names.service(s));
            names.check(about, s.name(), s, out);
            if (s.servicePortsOrEmpty().isEmpty()) {
                out.add(about, "service_ports_required", "service_ports is empty; give at least one {proto, port},"
                        + " or {\"proto\": -1} for every protocol");
            }
            for (ServicePort p : s.servicePortsOrEmpty()) {
                PortValidator.check(about, "service port", p.proto(), p.port(), p.toPort(), p.icmpType(),
                        p.icmpCode(), out);
            }
        }
    }
}
