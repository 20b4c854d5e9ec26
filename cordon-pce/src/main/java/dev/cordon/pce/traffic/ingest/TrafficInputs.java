package dev.cordon.pce.traffic.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.protocol.flows.DroppedEvents;
import dev.cordon.protocol.flows.FlowBatch;
import dev.cordon.protocol.flows.FlowSummary;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shape of a VEN's flow batch, checked as strictly as every other VEN input ({@code ven.VenInputs}): known
 * fields only, each of its type and range, the message naming the field by its path ({@code flows[3].local_ip}).
 * A VEN is authenticated only by its agent token, so nothing it sends is stored unchecked; a batch with one bad
 * summary is refused whole (406), so the VEN learns at once rather than losing rows silently.
 */
public final class TrafficInputs {
    /** Summaries per batch: a 60 s interval of a busy host is a few thousand; a spool resend packs at most this. */
    public static final int MAX_FLOWS_PER_BATCH = 100_000;
    static final Set<String> BATCH = Set.of("seq", "dropped", "flows");
    static final Set<String> DROPPED = Set.of("kernel", "aggregator", "spool");
    static final Set<String> FLOW = Set.of("direction", "local_ip", "peer_ip", "proto", "port", "icmp_type",
            "icmp_code", "decision", "reason", "rule_href", "policy_version", "connections", "first_seen", "last_seen",
            "packets_in", "packets_out", "bytes_in", "bytes_out", "state");
    public static final Set<String> DIRECTIONS = Set.of(FlowSummary.INBOUND, FlowSummary.OUTBOUND);
    public static final Set<String> DECISIONS = Set.of("allowed", "blocked", "potentially_blocked", "unknown");
    public static final Set<String> STATES = Set.of("new", "active", "closed", "timed_out", "snapshot");
    private static final Pattern RULE = Pattern.compile("/orgs/\\d+/sec_policy/(draft|active|\\d+)/rule_sets/[A-Za-z0-9-]{1,64}"
            + "/(sec_rules|deny_rules|override_deny_rules)/[A-Za-z0-9-]{1,64}");

    private TrafficInputs() {}

    /** A checked batch with each summary's first and last seen as epoch milliseconds (parsed once, here). */
    public record Checked(FlowBatch batch, long[] firstSeen, long[] lastSeen) {}

    public static FlowBatch batch(JsonNode body) {
        return checked(body).batch();
    }

    public static Checked checked(JsonNode body) {
        if (body == null || !body.isObject()) throw wrongType("the traffic batch", "an object {seq, dropped, flows}", body);
        Json.onlyFields(body, BATCH, "traffic batch");
        long seq = whole(body, "seq", "seq", 1, Long.MAX_VALUE, true);
        DroppedEvents dropped = DroppedEvents.NONE;
        JsonNode d = body.get("dropped");
        if (d != null && !d.isNull()) {
            if (!d.isObject()) throw wrongType("dropped", "an object {kernel, aggregator, spool}", d);
            Json.onlyFields(d, DROPPED, "traffic batch's dropped");
            dropped = new DroppedEvents(whole(d, "kernel", "dropped.kernel", 0, Long.MAX_VALUE, false),
                    whole(d, "aggregator", "dropped.aggregator", 0, Long.MAX_VALUE, false),
                    whole(d, "spool", "dropped.spool", 0, Long.MAX_VALUE, false));
        }
        JsonNode list = body.get("flows");
        if (list == null || !list.isArray()) throw wrongType("flows", "a list of flow summaries", list);
        if (list.size() > MAX_FLOWS_PER_BATCH) {
            throw ApiException.invalid("too_many_flows", "flows has " + list.size() + " summaries; a batch holds at most "
                    + MAX_FLOWS_PER_BATCH + ": split it into several batches, each with its own seq.");
        }
        List<FlowSummary> flows = new ArrayList<>(list.size());
        long[] first = new long[list.size()];
        long[] last = new long[list.size()];
        for (int i = 0; i < list.size(); i++) flows.add(flow(list.get(i), i, first, last));
        return new Checked(new FlowBatch(seq, dropped, flows), first, last);
    }

    /**
     * One summary, checked. The paths of messages ({@code flows[3].proto}) are built only when a check fails: a batch
     * of 100,000 valid summaries costs no string building.
     */
    private static FlowSummary flow(JsonNode f, int i, long[] firsts, long[] lasts) {
        At at = new At(i);
        if (!f.isObject()) throw wrongType(at.path(), "an object (a flow summary)", f);
        var names = f.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!FLOW.contains(n)) Json.onlyFields(f, FLOW, "traffic batch's " + at.path()); // throws, naming it
        }
        String direction = oneOf(f, "direction", at, DIRECTIONS, true);
        String local = address(f, "local_ip", at);
        String peer = address(f, "peer_ip", at);
        int proto = (int) whole(f, "proto", at, 0, 255, true);
        boolean icmp = proto == 1 || proto == 58;
        Integer port = optInt(f, "port", at, 0, 65535);
        Integer type = optInt(f, "icmp_type", at, 0, 255);
        Integer code = optInt(f, "icmp_code", at, 0, 255);
        if (icmp && port != null) {
            throw invalid(at.path("port"), "is for TCP, UDP and other port protocols; ICMP (" + proto + ") carries"
                    + " icmp_type and icmp_code instead");
        }
        if (!icmp && (type != null || code != null)) {
            throw invalid(at.path("icmp_type"), "is only for ICMP (proto 1) and ICMPv6 (58), not proto " + proto);
        }
        String decision = oneOf(f, "decision", at, DECISIONS, true);
        String reason = text(f, "reason", at);
        if (reason != null && !isReason(reason)) {
            throw invalid(at.path("reason"), "is a short lower-case token such as accepted_outside_cordon, not '"
                    + abbreviate(reason) + "'");
        }
        if (decision.equals("unknown") && reason == null) {
            throw invalid(at.path("reason"), "is required when decision is unknown: say why Cordon did not decide"
                    + " (accepted_outside_cordon, established_before_start, untracked)");
        }
        String rule = text(f, "rule_href", at);
        if (rule != null && !RULE.matcher(rule).matches()) {
            throw invalid(at.path("rule_href"), "must be a rule's href /orgs/<org>/sec_policy/<version>/rule_sets/<id>"
                    + "/sec_rules/<id> (or deny_rules, override_deny_rules), not '" + abbreviate(rule) + "'");
        }
        if (rule != null && decision.equals("unknown")) {
            throw invalid(at.path("rule_href"), "must be absent when decision is unknown: no Cordon rule decided it");
        }
        JsonNode pv = f.get("policy_version");
        Long version = pv == null || pv.isNull() ? null : whole(f, "policy_version", at, 1, Long.MAX_VALUE, true);
        long connections = whole(f, "connections", at, 0, Long.MAX_VALUE, true);
        String firstText = text(f, "first_seen", at);
        String lastText = text(f, "last_seen", at);
        long first = millis(firstText, "first_seen", at);
        long last = millis(lastText, "last_seen", at);
        if (last < first) throw invalid(at.path("last_seen"), "is before first_seen");
        firsts[i] = first;
        lasts[i] = last;
        long pi = whole(f, "packets_in", at, 0, Long.MAX_VALUE, false);
        long po = whole(f, "packets_out", at, 0, Long.MAX_VALUE, false);
        long bi = whole(f, "bytes_in", at, 0, Long.MAX_VALUE, false);
        long bo = whole(f, "bytes_out", at, 0, Long.MAX_VALUE, false);
        String state = oneOf(f, "state", at, STATES, false);
        return new FlowSummary(direction, local, peer, proto, port, type, code, decision, reason, rule, version,
                connections, firstText, lastText, pi, po, bi, bo, state);
    }

    /** The path of summary {@code i}, built only for a message. */
    private record At(int i) {
        String path() {
            return "flows[" + i + "]";
        }

        String path(String field) {
            return "flows[" + i + "]." + field;
        }
    }

    private static boolean isReason(String r) {
        if (r.isEmpty() || r.length() > 64 || r.charAt(0) < 'a' || r.charAt(0) > 'z') return false;
        for (int k = 1; k < r.length(); k++) {
            char c = r.charAt(k);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_') return false;
        }
        return true;
    }

    private static String address(JsonNode f, String field, At at) {
        String v = text(f, field, at);
        if (v == null) throw invalid(at.path(field), "is required (an IPv4 or IPv6 address)");
        String canonical = Addresses.canonical(v);
        if (canonical == null) throw invalid(at.path(field), "must be one IPv4 or IPv6 address, not '" + abbreviate(v) + "'");
        return canonical;
    }

    private static long millis(String v, String field, At at) {
        if (v == null) throw invalid(at.path(field), "is required (RFC 3339 UTC, e.g. 2026-01-01T00:00:00Z)");
        long fast = Rfc3339.millis(v);
        if (fast != Long.MIN_VALUE) return fast;
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid(at.path(field), "must be an RFC 3339 UTC time such as 2026-01-01T00:00:00Z, not '"
                    + abbreviate(v) + "'");
        }
    }

    private static String oneOf(JsonNode f, String field, At at, Set<String> allowed, boolean required) {
        String v = text(f, field, at);
        if (v == null && !required) return null;
        if (v == null || !allowed.contains(v)) {
            throw invalid(at.path(field), "must be one of " + String.join(", ", allowed.stream().sorted().toList())
                    + (v == null ? " (it is missing)" : ", not '" + abbreviate(v) + "'"));
        }
        return v;
    }

    private static Integer optInt(JsonNode f, String field, At at, long min, long max) {
        JsonNode v = f.get(field);
        if (v == null || v.isNull()) return null;
        return (int) whole(f, field, at, min, max, true);
    }

    private static long whole(JsonNode n, String field, At at, long min, long max, boolean required) {
        JsonNode v = n.get(field);
        if (v != null && v.isInt()) {
            long x = v.intValue();
            if (x >= min && x <= max) return x;
        }
        return whole(n, field, at.path(field), min, max, required);
    }

    private static String text(JsonNode n, String field, At at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(at.path(field), "a string", v);
        return v.textValue();
    }

    private static long whole(JsonNode n, String field, String path, long min, long max, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (!required) return 0;
            throw invalid(path, "is required (a whole number from " + min + ")");
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrongType(path, "a whole number", v);
        long x = v.asLong();
        if (x < min || x > max) {
            throw invalid(path, "must be from " + min + (max == Long.MAX_VALUE ? "" : " to " + max) + ", not " + x);
        }
        return x;
    }

    private static String text(JsonNode n, String field, String path) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(path, "a string", v);
        return v.asText();
    }

    static ApiException invalid(String path, String what) {
        return ApiException.invalid("invalid_flow_field", path + " " + what + ".");
    }

    static ApiException wrongType(String path, String want, JsonNode got) {
        return ApiException.invalid("invalid_field_type", path + " must be " + want + ", not "
                + (got == null ? "missing" : got.getNodeType().name().toLowerCase() + " " + abbreviate(got.toString())) + ".");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
