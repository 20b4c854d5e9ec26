package dev.cordon.pce.api.filters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.policy.validate.AddressParsing;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Illumio's collection filters that look inside an object (not the indexed columns): a label's {@code value}
 * (partial, case-insensitive), services by {@code port} (a port inside any of its port ranges) and {@code proto},
 * IP lists by {@code ip_list} (an address the list includes) and {@code fqdn} (partial). A malformed value is a 406
 * naming the filter, never an empty or full answer.
 */
public final class ExtraFilters {
    private ExtraFilters() {}

    /** The filter the request asks of this collection beyond the column filters, or null when it asks none. */
    public static Predicate<JsonNode> of(String collection, Function<String, String> param) {
        Predicate<JsonNode> all = null;
        switch (collection) {
            case "labels" -> all = and(all, partial(param.apply("value"), "value"));
            case "services" -> {
                String port = param.apply("port");
                String proto = param.apply("proto");
                if (port != null) all = and(all, servicePort(number(port, "port", 0, 65535)));
                if (proto != null) all = and(all, serviceProto(number(proto, "proto", -1, 255)));
            }
            case "ip_lists" -> {
                String ip = param.apply("ip_list");
                if (ip != null) all = and(all, includes(address(ip)));
                String fqdn = param.apply("fqdn");
                if (fqdn != null) all = and(all, n -> anyContains(n.path("fqdns"), "fqdn", fqdn));
            }
            case "virtual_services" -> {
                String port = param.apply("service_ports.port");
                String proto = param.apply("service_ports.proto");
                if (port != null) all = and(all, servicePort(number(port, "service_ports.port", 0, 65535)));
                if (proto != null) all = and(all, serviceProto(number(proto, "service_ports.proto", -1, 255)));
                String fqdn = param.apply("service_address.fqdn");
                if (fqdn != null) all = and(all, n -> anyContains(n.path("service_addresses"), "fqdn", fqdn));
                String ip = param.apply("service_address.ip");
                if (ip != null) all = and(all, n -> anyContains(n.path("service_addresses"), "ip", ip));
            }
            default -> { }
        }
        return all;
    }

    private static Predicate<JsonNode> and(Predicate<JsonNode> a, Predicate<JsonNode> b) {
        if (b == null) return a;
        return a == null ? b : a.and(b);
    }

    private static Predicate<JsonNode> partial(String want, String field) {
        if (want == null) return null;
        String w = want.toLowerCase(Locale.ROOT);
        return n -> n.path(field).isTextual() && n.path(field).asText().toLowerCase(Locale.ROOT).contains(w);
    }

    static boolean anyContains(JsonNode list, String field, String want) {
        String w = want.toLowerCase(Locale.ROOT);
        for (JsonNode e : list) {
            if (e.path(field).isTextual() && e.path(field).asText().toLowerCase(Locale.ROOT).contains(w)) return true;
        }
        return false;
    }

    public static int number(String v, String name, int min, int max) {
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("invalid_" + name, "The " + name + " filter is a whole number from " + min + " to "
                + max + ", not '" + v + "'.");
    }

    /** A service whose ports include {@code port}: an entry's port, or its range port..to_port. */
    public static Predicate<JsonNode> servicePort(int port) {
        return n -> {
            for (JsonNode p : n.path("service_ports")) if (covers(p, port)) return true;
            return false;
        };
    }

    static boolean covers(JsonNode p, int port) {
        if (!p.hasNonNull("port")) return false;
        int from = p.get("port").asInt();
        int to = p.hasNonNull("to_port") ? p.get("to_port").asInt() : from;
        return port >= from && port <= to;
    }

    private static Predicate<JsonNode> serviceProto(int proto) {
        return n -> {
            for (JsonNode p : n.path("service_ports")) if (p.path("proto").asInt(Integer.MIN_VALUE) == proto) return true;
            return false;
        };
    }

    private static IPAddress address(String v) {
        IPAddress a = AddressParsing.address(v.strip());
        if (a == null) {
            throw ApiException.invalid("invalid_ip_list", "The ip_list filter is one IPv4 or IPv6 address, not '" + v + "'.");
        }
        return a;
    }

    /** An IP list whose ranges include {@code a} and whose exclusions do not. */
    private static Predicate<JsonNode> includes(IPAddress a) {
        return n -> {
            boolean in = false;
            for (JsonNode r : n.path("ip_ranges")) {
                if (!contains(r, a)) continue;
                if (r.path("exclusion").asBoolean(false)) return false;
                in = true;
            }
            return in;
        };
    }

    private static boolean contains(JsonNode range, IPAddress a) {
        IPAddress from = new IPAddressString(range.path("from_ip").asText()).getAddress();
        if (from == null || from.getIPVersion() != a.getIPVersion()) return false;
        if (range.hasNonNull("to_ip")) {
            IPAddress to = new IPAddressString(range.path("to_ip").asText()).getAddress();
            return to != null && to.getIPVersion() == a.getIPVersion() && from.toSequentialRange(to).contains(a);
        }
        return from.toPrefixBlock().contains(a);
    }
}
