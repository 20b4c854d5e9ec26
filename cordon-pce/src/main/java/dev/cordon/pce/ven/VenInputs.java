package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import java.util.Set;

/**
 * The shape of what VENs send, checked as strictly as the admin API checks the same data: every field has its
 * type, every list holds objects of known fields, and the message names the field by its path. A VEN request is
 * authenticated only by an activation code or an agent token, so nothing it sends may be stored unchecked: one
 * bad address used to stop provisioning for the whole org. Workload-level rules (addresses, prefix lengths) are
 * then {@link dev.cordon.pce.core.Workloads#problems}, the same as for {@code POST /workloads}.
 */
final class VenInputs {
    static final Set<String> ACTIVATION = Set.of("activation_code", "hostname", "interfaces", "os_type", "ven_type",
            "version", "name");
    private static final Set<String> INTERFACE = Set.of("name", "address", "cidr_block");
    private static final Set<String> HEALTH = Set.of("type", "severity", "message");
    /** What a VEN's health entries say (the VEN writes "error"; the event severity "err" is taken too). */
    private static final Set<String> HEALTH_SEVERITIES = Set.of("info", "warning", "error", "err");

    private VenInputs() {}

    /** Checks the fields of an activation request; returns its interfaces as given (the workload check follows). */
    static ArrayNode activation(JsonNode body) {
        Json.onlyFields(body, ACTIVATION, "activation request");
        for (String f : ACTIVATION) {
            if (!f.equals("interfaces")) text(body, f, f);
        }
        ArrayNode out = Json.array();
        JsonNode list = body.get("interfaces");
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) throw wrongType("interfaces", "a list of {name, address, cidr_block}", list);
        for (int i = 0; i < list.size(); i++) {
            JsonNode itf = list.get(i);
            String at = "interfaces[" + i + "]";
            if (!itf.isObject()) throw wrongType(at, "an object {name, address, cidr_block}", itf);
            Json.onlyFields(itf, INTERFACE, "activation request's " + at);
            text(itf, "name", at + ".name");
            if (text(itf, "address", at + ".address") == null) {
                throw ApiException.invalid("invalid_interface_address", at + ".address is missing: each interface"
                        + " needs its IPv4 or IPv6 address.");
            }
            JsonNode cidr = itf.get("cidr_block");
            if (cidr != null && !cidr.isNull() && !(cidr.isIntegralNumber() && cidr.canConvertToInt())) {
                throw wrongType(at + ".cidr_block", "a whole number (the prefix length)", cidr);
            }
            out.add(itf.deepCopy());
        }
        return out;
    }

    /** {@code health}: a list of {@code {type, severity, message}} strings, severity info, warning or error. */
    static void health(JsonNode body) {
        text(body, "applied_hash", "applied_hash");
        text(body, "sync_state", "sync_state");
        JsonNode list = body.get("health");
        if (list == null || list.isNull()) return;
        if (!list.isArray()) {
            throw ApiException.invalid("invalid_health", "health is a list of {type, severity, message}, not "
                    + list.getNodeType().name().toLowerCase() + ".");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode h = list.get(i);
            String at = "health[" + i + "]";
            if (!h.isObject()) throw wrongType(at, "an object {type, severity, message}", h);
            Json.onlyFields(h, HEALTH, "heartbeat's " + at);
            for (String f : HEALTH) text(h, f, at + "." + f);
            String severity = Json.text(h, "severity");
            if (severity != null && !HEALTH_SEVERITIES.contains(severity)) {
                throw ApiException.invalid("invalid_severity", at + ".severity is info, warning or error, not '"
                        + severity + "'.");
            }
        }
    }

    /** One agent event's plain fields: strings where strings belong. */
    static void event(JsonNode e, int i) {
        String at = "[" + i + "]";
        if (!e.isObject()) throw wrongType("agent event " + at, "an object {event_type, status, info}", e);
        for (String f : Set.of("event_type", "status", "severity", "timestamp")) text(e, f, at + "." + f);
    }

    /** The field's text, or null when absent or null; any other type is a 406 naming the field's path. */
    private static String text(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(path, "a string", v);
        return v.asText();
    }

    private static ApiException wrongType(String path, String want, JsonNode got) {
        return ApiException.invalid("invalid_field_type", path + " must be " + want + ", not "
                + got.getNodeType().name().toLowerCase() + " " + abbreviate(got.toString()) + ".");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
