package dev.cordon.policy.decide;

/**
 * A flow: source address, destination address, IANA protocol number and destination port (for ICMP the port, if
 * given, is the ICMP type; {@code null} means "any").
 */
public record Flow(String src, String dst, int proto, Integer port) {
    public static Flow tcp(String src, String dst, int port) {
        return new Flow(src, dst, 6, port);
    }

    public static Flow udp(String src, String dst, int port) {
        return new Flow(src, dst, 17, port);
    }
}
