package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A named set of protocols and ports. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Service(String href, String name, String description, List<ServicePort> servicePorts,
                      String externalDataSet, String externalDataReference,
                      String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public static final String ALL_SERVICES_NAME = "All Services";

    public Service {
        servicePorts = Lists.copy(servicePorts);
    }

    public static Service of(String href, String name, List<ServicePort> ports) {
        return new Service(href, name, null, ports, null, null, null, null, null, null);
    }

    public List<ServicePort> servicePortsOrEmpty() {
        return Lists.orEmpty(servicePorts);
    }
}
