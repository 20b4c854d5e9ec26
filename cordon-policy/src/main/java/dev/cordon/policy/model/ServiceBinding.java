package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a {@link VirtualService} on a workload (Illumio's shape). {@code port_overrides} move one of the virtual
 * service's ports on this workload: the entry with {@code port} and {@code proto} is served on {@code new_port}
 * (through {@code new_to_port} for a range) instead.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceBinding(String href, Ref virtualService, Ref workload, List<PortOverride> portOverrides,
                             String externalDataSet, String externalDataReference,
                             String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public ServiceBinding {
        portOverrides = Lists.copy(portOverrides);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PortOverride(Integer port, Integer proto, Integer newPort, Integer newToPort) {}

    public static ServiceBinding of(String href, String virtualService, String workload, List<PortOverride> overrides) {
        return new ServiceBinding(href, Ref.of(virtualService), Ref.of(workload), overrides, null, null, null, null,
                null, null);
    }

    public List<PortOverride> portOverridesOrEmpty() {
        return Lists.orEmpty(portOverrides);
    }

    /** The virtual service's ports as this binding serves them (overrides applied). */
    public List<ServicePort> ports(VirtualService vs) {
        List<ServicePort> out = new ArrayList<>();
        for (ServicePort p : vs.servicePortsOrEmpty()) {
            ServicePort moved = p;
            for (PortOverride o : portOverridesOrEmpty()) {
                if (o.port() != null && o.port().equals(p.port()) && o.proto() != null && o.proto().equals(p.proto())) {
                    moved = new ServicePort(p.proto(), o.newPort(), o.newToPort(), p.icmpType(), p.icmpCode());
                }
            }
            out.add(moved);
        }
        return out;
    }
}
