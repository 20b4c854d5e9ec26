package dev.cordon.pce.console.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * The console's short form for ports, e.g. {@code tcp/443, udp/53, tcp/8000-8080, icmp, all}: written in forms,
 * turned into {@code {"proto","port","to_port"}} items for the API, and shown back the same way. Only the syntax is
 * checked here; what the numbers may be is the API's to say.
 */
public final class Ports {
    private static final Map<String, Integer> NAMES = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58, "all", -1);

    private Ports() {}

    /** Thrown with a message for the person typing. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    public static ArrayNode parse(String text) {
        ArrayNode out = ApiClient.array();
        if (text == null) return out;
        for (String raw : text.split("[,\\n]")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) continue;
            String[] pp = item.split("\\s*/\\s*|\\s+");
            ObjectNode n = out.addObject();
            n.put("proto", proto(pp[0], item));
            if (pp.length > 2) throw new Unreadable("'" + raw.trim() + "' is not a port: write e.g. tcp/443 or udp/5000-5010.");
            if (pp.length == 2) {
                String[] range = pp[1].split("-");
                n.put("port", number(range[0], item));
                if (range.length == 2) n.put("to_port", number(range[1], item));
                if (range.length > 2) throw new Unreadable("'" + raw.trim() + "' has more than one '-': write e.g. tcp/8000-8080.");
            }
        }
        return out;
    }

    public static String describe(JsonNode sp) {
        int proto = sp.path("proto").asInt(-1);
        String name = switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            case -1 -> "all";
            default -> "proto " + proto;
        };
        if (!sp.hasNonNull("port")) return name;
        String port = sp.path("port").asText();
        if (sp.hasNonNull("to_port")) port += "-" + sp.path("to_port").asText();
        return name + "/" + port;
    }

    static String describeAll(JsonNode servicePorts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode sp : servicePorts) sb.append(sb.length() == 0 ? "" : ", ").append(describe(sp));
        return sb.toString();
    }

    private static int proto(String p, String item) {
        Integer n = NAMES.get(p);
        if (n != null) return n;
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new Unreadable("'" + item + "': the protocol is tcp, udp, icmp, icmpv6, all or a number, e.g. tcp/443.");
        }
    }

    private static int number(String s, String item) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new Unreadable("'" + item + "': '" + s + "' is not a port number.");
        }
    }
}
