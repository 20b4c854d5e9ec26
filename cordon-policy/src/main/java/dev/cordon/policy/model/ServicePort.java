package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A protocol and port range: {@code proto} is an IANA protocol number, {@code -1} for all; a missing
 * {@code port} means every port; {@code toPort} closes a range. ICMP may carry a type and code.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServicePort(Integer proto, Integer port, Integer toPort, Integer icmpType, Integer icmpCode) {
    public static final int ALL = -1;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;

    public static ServicePort of(int proto, Integer port, Integer toPort) {
        return new ServicePort(proto, port, toPort, null, null);
    }
}
