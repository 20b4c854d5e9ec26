package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A virtual service (Illumio's shape): a named service ({@code service_ports}) that runs on whichever workloads
 * {@link ServiceBinding}s put it on. A rule naming it as a provider allows its consumers to those bound workloads, on
 * the virtual service's ports (each binding may move a port, {@code port_overrides}). Its {@code labels} place it in
 * rule set scopes: a scoped rule applies to it when its labels match the scope. {@code service_addresses} and
 * {@code apply_to} are accepted and stored; the engine does not use them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VirtualService(String href, String name, String description, List<ServicePort> servicePorts,
                             List<ServiceAddress> serviceAddresses, List<Ref> labels, String applyTo,
                             String externalDataSet, String externalDataReference,
                             String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public VirtualService {
        servicePorts = Lists.copy(servicePorts);
        serviceAddresses = Lists.copy(serviceAddresses);
        labels = Lists.copy(labels);
    }

    /** An address clients use for the service (accepted, no effect). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ServiceAddress(String ip, String fqdn, Integer port, String description) {}

    public static VirtualService of(String href, String name, List<ServicePort> ports, List<Ref> labels) {
        return new VirtualService(href, name, null, ports, null, labels, null, null, null, null, null, null, null);
    }

    public List<ServicePort> servicePortsOrEmpty() {
        return Lists.orEmpty(servicePorts);
    }

    public List<Ref> labelsOrEmpty() {
        return Lists.orEmpty(labels);
    }
}
