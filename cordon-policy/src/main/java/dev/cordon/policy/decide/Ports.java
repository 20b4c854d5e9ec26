package dev.cordon.policy.decide;

import dev.cordon.policy.model.ServicePort;
import java.util.List;

/** Does a service port match a flow's protocol and port (SPEC §3: a missing port means every port). */
public final class Ports {
    private Ports() {}

    public static boolean matches(ServicePort sp, int proto, Integer port) {
        int p = sp.proto() == null ? ServicePort.ALL : sp.proto();
        if (p == ServicePort.ALL) return true;
        if (p != proto) return false;
        if (p == ServicePort.ICMP || p == ServicePort.ICMPV6) {
            return sp.icmpType() == null || (port != null && port.equals(sp.icmpType()));
        }
        if (sp.port() == null) return true;
        if (port == null) return false;
        int hi = sp.toPort() != null ? sp.toPort() : sp.port();
        return port >= sp.port() && port <= hi;
    }

    public static boolean anyMatches(List<ServicePort> ports, int proto, Integer port) {
        for (ServicePort sp : ports) {
            if (matches(sp, proto, port)) return true;
        }
        return false;
    }
}
