package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** An {@code ingress_services} item: a service by {@code href}, or an inline {@code {proto, port, to_port}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceRef(String href, Integer proto, Integer port, Integer toPort, Integer icmpType, Integer icmpCode) {
    public static ServiceRef service(String href) {
        return new ServiceRef(href, null, null, null, null, null);
    }

    public static ServiceRef inline(int proto, Integer port, Integer toPort) {
        return new ServiceRef(null, proto, port, toPort, null, null);
    }

    public boolean isInline() {
        return href == null;
    }

    @JsonIgnore
    public ServicePort asPort() {
        return new ServicePort(proto, port, toPort, icmpType, icmpCode);
    }
}
