package dev.cordon.pce.traffic.generator;

/** A protocol with a port range ({@code from == to}: one port; {@code from == null}: the whole protocol, e.g. ICMP). */
public record PortRange(int proto, Integer from, Integer to) implements Comparable<PortRange> {
    public boolean single() {
        return from != null && from.equals(to);
    }

    public boolean covers(int proto, Integer port) {
        if (this.proto != proto) return false;
        if (from == null) return true;
        return port != null && port >= from && port <= to;
    }

    /** "tcp/443", "tcp/8000-8010", "icmp". */
    public String text() {
        String name = switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> "proto " + proto;
        };
        if (from == null) return name;
        return name + "/" + from + (single() ? "" : "-" + to);
    }

    @Override
    public int compareTo(PortRange o) {
        if (proto != o.proto) return Integer.compare(proto, o.proto);
        if (from == null || o.from == null) return from == null ? (o.from == null ? 0 : -1) : 1;
        return Integer.compare(from, o.from);
    }
}
