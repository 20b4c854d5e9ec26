package dev.cordon.policy.validate;

import dev.cordon.policy.model.ServicePort;
import java.util.Set;

/**
 * One protocol-and-port entry, of a service or inline in a rule's ingress_services: a protocol number, ports only
 * where the protocol has ports (TCP, UDP, SCTP), a range low to high within 0-65535, and ICMP type and code only
 * on ICMP and ICMPv6.
 */
final class PortValidator {
    private static final int SCTP = 132;
    private static final Set<Integer> WITH_PORTS = Set.of(ServicePort.TCP, ServicePort.UDP, SCTP);
    private static final int MAX_PORT = 65535;

    private PortValidator() {}

    /** {@code kind} says where the entry sits, e.g. "service port" or "ingress service". */
    static void check(Subject owner, String kind, Integer proto, Integer port, Integer toPort, Integer icmpType,
                      Integer icmpCode, Findings out) {
        Subject where = owner.then(kind + " " + describe(proto, port, toPort));
        if (proto == null) {
            out.add(where, "service_port_protocol_required", "proto is missing; give an IANA protocol number"
                    + " (6 tcp, 17 udp, 1 icmp, 58 icmpv6) or -1 for all protocols");
            return;
        }
        if (proto < ServicePort.ALL || proto > 255) {
            out.add(where, "invalid_protocol", "proto " + proto + " is not a protocol number; use 0-255, or -1 for all");
            return;
        }
        ports(where, proto, port, toPort, out);
        icmp(where, proto, icmpType, icmpCode, out);
    }

    private static void ports(Subject where, int proto, Integer port, Integer toPort, Findings out) {
        boolean hasPorts = port != null || toPort != null;
        if (hasPorts && proto == ServicePort.ALL) {
            out.add(where, "port_with_all_protocols", "proto -1 means every protocol and every port; remove the"
                    + " port, or give the protocol it belongs to (6 tcp, 17 udp, 132 sctp)");
        } else if (hasPorts && !WITH_PORTS.contains(proto)) {
            out.add(where, "port_not_allowed_for_protocol", "protocol " + proto + " has no ports; only TCP (6),"
                    + " UDP (17) and SCTP (132) do, so remove the port");
        }
        for (Integer p : new Integer[] {port, toPort}) {
            if (p != null && (p < 0 || p > MAX_PORT)) {
                out.add(where, "invalid_port", "port " + p + " is out of range; use 0-" + MAX_PORT);
            }
        }
        if (toPort != null && port == null) {
            out.add(where, "invalid_port_range", "to_port " + toPort + " needs a port to start from; give port as"
                    + " the low end of the range");
        } else if (toPort != null && toPort < port) {
            out.add(where, "invalid_port_range", "to_port " + toPort + " is below port " + port + "; give the range"
                    + " low to high");
        }
    }

    private static void icmp(Subject where, int proto, Integer icmpType, Integer icmpCode, Findings out) {
        if (icmpType == null && icmpCode == null) return;
        if (proto != ServicePort.ICMP && proto != ServicePort.ICMPV6) {
            out.add(where, "icmp_fields_not_allowed", "icmp_type and icmp_code belong to ICMP (1) and ICMPv6 (58)"
                    + " only; remove them or change the protocol");
            return;
        }
        if (icmpType != null && (icmpType < 0 || icmpType > 255)) {
            out.add(where, "invalid_icmp_type", "icmp_type " + icmpType + " is out of range; use 0-255");
        }
        if (icmpCode != null && (icmpCode < 0 || icmpCode > 255)) {
            out.add(where, "invalid_icmp_code", "icmp_code " + icmpCode + " is out of range; use 0-255");
        }
        if (icmpCode != null && icmpType == null) {
            out.add(where, "icmp_code_without_type", "icmp_code " + icmpCode + " means nothing without an icmp_type;"
                    + " give the type it belongs to");
        }
    }

    private static String describe(Integer proto, Integer port, Integer toPort) {
        return "{proto " + proto + (port == null ? "" : ", port " + port) + (toPort == null ? "" : ", to_port " + toPort)
                + "}";
    }
}
