package dev.cordon.pce.ven;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What VENs send, checked as strictly as the admin API checks the same data and then bound to the protocol's
 * records ({@code dev.cordon.protocol}): every field has its type, every list holds objects of known fields, and the
 * message names the field by its path. The check runs on the JSON tree, before binding, because binding would turn a
 * wrong type into a message about Java and let Jackson's coercions through; after it, binding cannot fail. A VEN
 * request is authenticated only by an activation code or an agent token, so nothing it sends may be stored
 * unchecked: one bad address used to stop provisioning for the whole org. Workload-level rules (addresses, prefix
 * lengths) are then {@link dev.cordon.pce.core.Workloads#problems}, the same as for {@code POST /workloads}.
 */
final class VenInputs {
    static final Set<String> ACTIVATION = Set.of("activation_code", "hostname", "interfaces", "os_type", "ven_type",
            "version", "name", "dataplane_backend");
    private static final Set<String> INTERFACE = Set.of("name", "address", "cidr_block");
    private static final Set<String> HEARTBEAT = Set.of("applied_hash", "sync_state", "health", "dataplane_backend",
            "flow_reporting");
    private static final Set<String> FLOW_REPORTING = Set.of("visibility_level", "interval_seconds");
    private static final Set<String> HEALTH = Set.of("type", "severity", "message");
    private static final Set<String> GOODBYE = Set.of("reason", "applied_hash");
    private static final Set<String> GOODBYE_REASONS = Set.of(Goodbye.SHUTDOWN);
    private static final Set<String> EVENT = Set.of("event_type", "status", "severity", "info", "timestamp");
    private static final Set<String> SYNC_STATES = Set.of(Heartbeat.APPLIED, Heartbeat.ERROR, Heartbeat.SYNCING);
    /** What a VEN's health entries say (the VEN writes "error"; the event severity "err" is taken too). */
    private static final Set<String> HEALTH_SEVERITIES = Set.of("info", "warning", "error", "err");
    /** A backend's name: the PCE stores and shows it; which backends exist is the VEN's business. */
    private static final Pattern BACKEND = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private VenInputs() {}

    /** The activation request, its fields checked (the workload check follows). */
    static ActivationRequest activation(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "Activation takes a JSON object with activation_code and hostname.");
        }
        Json.onlyFields(body, ACTIVATION, "activation request");
        for (String f : ACTIVATION) {
            if (!f.equals("interfaces")) text(body, f, f);
        }
        backend(body);
        JsonNode list = body.get("interfaces");
        if (list != null && !list.isNull()) {
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
            }
        }
        return bind(body, ActivationRequest.class, "activation request");
    }

    /**
     * The heartbeat, its fields checked: {@code health} a list of {@code {type, severity, message}} strings,
     * severity info, warning or error; {@code sync_state} applied, error or syncing (absent: syncing).
     */
    static Heartbeat heartbeat(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "A heartbeat is a JSON object with applied_hash, sync_state, health.");
        }
        Json.onlyFields(body, HEARTBEAT, "heartbeat");
        text(body, "applied_hash", "applied_hash");
        text(body, "sync_state", "sync_state");
        JsonNode list = body.get("health");
        if (list != null && !list.isNull()) {
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
        String state = Json.text(body, "sync_state");
        if (state != null && !SYNC_STATES.contains(state)) {
            throw ApiException.invalid("invalid_sync_state", "sync_state is applied, error or syncing, not '" + state + "'.");
        }
        backend(body);
        flowReporting(body.get("flow_reporting"));
        Heartbeat hb = bind(body, Heartbeat.class, "heartbeat");
        return hb.syncState() != null ? hb
                : new Heartbeat(hb.appliedHash(), Heartbeat.SYNCING, hb.health(), hb.dataplaneBackend(), hb.flowReporting());
    }

    /** {@code flow_reporting}: absent, or {@code {"visibility_level": one of Illumio's levels, "interval_seconds" ≥ 1}}. */
    private static void flowReporting(JsonNode r) {
        if (r == null || r.isNull()) return;
        if (!r.isObject()) throw wrongType("flow_reporting", "an object {visibility_level, interval_seconds}", r);
        Json.onlyFields(r, FLOW_REPORTING, "heartbeat's flow_reporting");
        text(r, "visibility_level", "flow_reporting.visibility_level");
        dev.cordon.pce.core.VisibilityLevels.check(Json.text(r, "visibility_level"), "The heartbeat's flow_reporting");
        JsonNode i = r.get("interval_seconds");
        if (i == null || !i.isIntegralNumber() || !i.canConvertToLong() || i.asLong() < 1) {
            throw ApiException.invalid("invalid_flow_reporting", "flow_reporting.interval_seconds is the whole number"
                    + " of seconds between the VEN's traffic uploads (at least 1), not " + i + ".");
        }
    }

    /** The goodbye, its fields checked: {@code reason} shutdown (absent: shutdown), {@code applied_hash} a string or null. */
    static Goodbye goodbye(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_body", "A goodbye is a JSON object {\"reason\": \"shutdown\","
                    + " \"applied_hash\": <hash or null>}.");
        }
        Json.onlyFields(body, GOODBYE, "goodbye");
        String reason = text(body, "reason", "reason");
        text(body, "applied_hash", "applied_hash");
        if (reason != null && !GOODBYE_REASONS.contains(reason)) {
            throw ApiException.invalid("invalid_goodbye_reason", "A goodbye's reason is shutdown (the VEN service"
                    + " stops: a signal or the host shutting down), not '" + abbreviate(reason) + "'.");
        }
        Goodbye g = bind(body, Goodbye.class, "goodbye");
        return g.reason() != null ? g : new Goodbye(Goodbye.SHUTDOWN, g.appliedHash());
    }

    /** The agent events, each checked: strings where strings belong, an {@code agent.} type, info an object. */
    static List<AgentEvent> events(JsonNode body) {
        if (body == null || !body.isArray()) {
            throw ApiException.invalid("invalid_body", "Agent events are a JSON array of {event_type, status, info}.");
        }
        List<AgentEvent> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            JsonNode e = body.get(i);
            String at = "[" + i + "]";
            if (!e.isObject()) throw wrongType("agent event " + at, "an object {event_type, status, info}", e);
            for (String f : Set.of("event_type", "status", "severity", "timestamp")) text(e, f, at + "." + f);
            Json.onlyFields(e, EVENT, "agent event");
            String type = Json.text(e, "event_type");
            if (type == null || !type.startsWith("agent.")) {
                throw ApiException.invalid("invalid_event_type", "Agent event types start with 'agent.' (e.g."
                        + " agent.tampering, agent.refresh_policy); got '" + type + "'.");
            }
            String status = Json.text(e, "status");
            if (status != null && !status.equals("success") && !status.equals("failure")) {
                throw ApiException.invalid("invalid_status", "An agent event's status is success or failure.");
            }
            if (e.has("info") && !e.get("info").isObject() && !e.get("info").isNull()) {
                throw ApiException.invalid("invalid_event_info", "An agent event's info is a JSON object, not "
                        + e.get("info").getNodeType().name().toLowerCase() + ".");
            }
            out.add(bind(e, AgentEvent.class, "agent event " + at));
        }
        return out;
    }

    private static void backend(JsonNode body) {
        String b = Json.text(body, "dataplane_backend");
        if (b != null && !BACKEND.matcher(b).matches()) {
            throw ApiException.invalid("invalid_dataplane_backend", "dataplane_backend is the name of the VEN's"
                    + " dataplane backend, such as iptables (lower-case letters, digits, '-' or '_', at most 32),"
                    + " not '" + abbreviate(b) + "'.");
        }
    }

    /** Binds a checked tree; a failure here is a check missing above, answered as a 406 all the same. */
    private static <T> T bind(JsonNode checked, Class<T> type, String what) {
        try {
            return Wire.read(checked, type, what);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("invalid_body", "The " + what + " does not have the VEN protocol's shape ("
                    + e.getMessage() + "): see API.md, VEN protocol.");
        }
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
