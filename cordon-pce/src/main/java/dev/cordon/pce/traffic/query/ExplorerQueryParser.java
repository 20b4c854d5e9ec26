package dev.cordon.pce.traffic.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.traffic.ingest.TrafficInputs;
import dev.cordon.pce.traffic.query.ExplorerQuery.Filter;
import dev.cordon.pce.traffic.query.ExplorerQuery.ServiceFilter;
import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses Illumio's async-query body strictly: every field Illumio's SDK sends is understood or refused with a 406
 * naming it ({@code sources.include[0][1].label.href ...}); label groups are expanded here, against the draft and
 * the active policy, so the SQL only ever matches labels. Filters Cordon cannot answer (FQDNs, process and Windows
 * service names: the VEN does not record them) are refused rather than silently matching nothing.
 */
public final class ExplorerQueryParser {
    static final Set<String> FIELDS = Set.of("query_name", "start_date", "end_date", "sources", "destinations",
            "services", "policy_decisions", "max_results", "sources_destinations_query_op",
            "exclude_workloads_from_ip_list_query", "draft_policy_decision");
    private static final Set<String> BLOCK = Set.of("include", "exclude");
    private static final Set<String> FILTERS = Set.of("label", "label_group", "workload", "ip_list", "ip_address",
            "actors", "transmission", "fqdn");
    private static final Set<String> SERVICE = Set.of("port", "to_port", "proto", "icmp_type", "icmp_code",
            "process_name", "windows_service_name");
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58, "sctp", 132);
    private static final Set<String> TRANSMISSIONS = Set.of("unicast", "broadcast", "multicast");

    private final int org;
    private final PolicyDocument active;
    private final PolicyDocument draft;

    /** {@code draft} may be null (an invalid draft): lookups then use the active policy only. */
    public ExplorerQueryParser(int org, PolicyDocument active, PolicyDocument draft) {
        this.org = org;
        this.active = active;
        this.draft = draft;
    }

    public ExplorerQuery parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("invalid_traffic_query", "The traffic query must be a JSON object with"
                    + " start_date, end_date, sources, destinations, services and policy_decisions.");
        }
        Json.onlyFields(body, FIELDS, "traffic query");
        String name = text(body, "query_name");
        if (name != null && name.length() > 255) throw invalid("query_name", "is at most 255 characters");
        long start = date(body, "start_date");
        long end = date(body, "end_date");
        if (end < start) throw invalid("end_date", "is before start_date");
        JsonNode src = block(body, "sources");
        JsonNode dst = block(body, "destinations");
        List<List<Filter>> srcInc = include(src, "sources");
        List<List<Filter>> dstInc = include(dst, "destinations");
        List<Filter> srcExc = exclude(src, "sources");
        List<Filter> dstExc = exclude(dst, "destinations");
        JsonNode svc = block(body, "services");
        List<ServiceFilter> svcInc = services(svc.get("include"), "services.include");
        List<ServiceFilter> svcExc = services(svc.get("exclude"), "services.exclude");
        List<String> decisions = new ArrayList<>();
        JsonNode pd = body.get("policy_decisions");
        if (pd != null && !pd.isNull()) {
            if (!pd.isArray()) throw wrongType("policy_decisions", "a list of allowed, blocked, potentially_blocked, unknown", pd);
            for (int i = 0; i < pd.size(); i++) {
                String d = pd.get(i).isTextual() ? pd.get(i).asText() : null;
                if (d == null || !TrafficInputs.DECISIONS.contains(d)) {
                    throw invalid("policy_decisions[" + i + "]", "must be one of allowed, blocked, potentially_blocked,"
                            + " unknown, not " + pd.get(i));
                }
                if (!decisions.contains(d)) decisions.add(d);
            }
        }
        long max = 100_000;
        JsonNode m = body.get("max_results");
        if (m != null && !m.isNull()) {
            if (!m.isIntegralNumber() || !m.canConvertToLong()) throw wrongType("max_results", "a whole number", m);
            max = m.asLong();
            if (max < 1 || max > Integer.MAX_VALUE) {
                throw invalid("max_results", "must be from 1 to " + Integer.MAX_VALUE + " (Cordon has no 200,000 cap), not " + max);
            }
        }
        boolean or = false;
        String op = text(body, "sources_destinations_query_op");
        if (op != null) {
            if (!op.equalsIgnoreCase("and") && !op.equalsIgnoreCase("or")) {
                throw invalid("sources_destinations_query_op", "must be 'and' or 'or', not '" + op + "'");
            }
            or = op.equalsIgnoreCase("or");
        }
        boolean excludeWorkloads = bool(body, "exclude_workloads_from_ip_list_query", true);
        boolean wantDraft = bool(body, "draft_policy_decision", false);
        return new ExplorerQuery(name, start, end, srcInc, srcExc, dstInc, dstExc, svcInc, svcExc, List.copyOf(decisions),
                max, or, excludeWorkloads, wantDraft);
    }

    private static JsonNode block(JsonNode body, String field) {
        JsonNode b = body.get(field);
        if (b == null || b.isNull()) return Json.object();
        if (!b.isObject()) throw wrongType(field, "an object {include, exclude}", b);
        Json.onlyFields(b, BLOCK, "traffic query's " + field);
        return b;
    }

    private List<List<Filter>> include(JsonNode block, String side) {
        JsonNode inc = block.get("include");
        List<List<Filter>> out = new ArrayList<>();
        if (inc == null || inc.isNull()) return out;
        String at = side + ".include";
        if (!inc.isArray()) throw wrongType(at, "a list of lists of filters ([[{\"label\": {\"href\": ...}}]])", inc);
        for (int i = 0; i < inc.size(); i++) {
            JsonNode group = inc.get(i);
            if (!group.isArray()) throw wrongType(at + "[" + i + "]", "a list of filters (all must match)", group);
            List<Filter> and = new ArrayList<>();
            for (int j = 0; j < group.size(); j++) and.add(filter(group.get(j), at + "[" + i + "][" + j + "]", true));
            out.add(and);
        }
        // [[]] (what the SDK sends by default) and [] both mean: no condition
        if (out.stream().anyMatch(List::isEmpty)) return List.of();
        return out;
    }

    private List<Filter> exclude(JsonNode block, String side) {
        JsonNode exc = block.get("exclude");
        List<Filter> out = new ArrayList<>();
        if (exc == null || exc.isNull()) return out;
        String at = side + ".exclude";
        if (!exc.isArray()) throw wrongType(at, "a list of filters", exc);
        for (int i = 0; i < exc.size(); i++) out.add(filter(exc.get(i), at + "[" + i + "]", false));
        return out;
    }

    private Filter filter(JsonNode f, String at, boolean include) {
        if (!f.isObject() || f.size() != 1) {
            throw invalid(at, "must be an object with exactly one of " + String.join(", ", FILTERS.stream().sorted().toList()));
        }
        String key = f.fieldNames().next();
        JsonNode v = f.get(key);
        if (!FILTERS.contains(key)) {
            throw ApiException.invalid("unknown_field", "Unknown filter '" + key + "' at " + at + ": use one of "
                    + String.join(", ", FILTERS.stream().sorted().toList()) + ".");
        }
        switch (key) {
            case "label" -> {
                String href = href(v, at + ".label");
                if (label(href) == null) throw ApiException.invalid("unknown_label", at + ".label.href: no label " + href + " in org " + org + ".");
                return new Filter(Filter.Kind.LABEL, href, List.of(href));
            }
            case "label_group" -> {
                String href = PolicyHrefs.toDraft(href(v, at + ".label_group"));
                List<String> labels = expand(href, at + ".label_group.href");
                return new Filter(Filter.Kind.LABEL_GROUP, href, labels);
            }
            case "workload" -> {
                String href = href(v, at + ".workload");
                if (!href.startsWith("/orgs/" + org + "/workloads/")) {
                    throw invalid(at + ".workload.href", "must be a workload href /orgs/" + org + "/workloads/<id>, not '" + href + "'");
                }
                return new Filter(Filter.Kind.WORKLOAD, href, List.of());
            }
            case "ip_list" -> {
                String href = PolicyHrefs.toDraft(href(v, at + ".ip_list"));
                if (ipList(href) == null) throw ApiException.invalid("unknown_ip_list", at + ".ip_list.href: no IP list " + href + " in org " + org + ".");
                return new Filter(Filter.Kind.IP_LIST, href, List.of());
            }
            case "ip_address" -> {
                String ip = v.isTextual() ? v.asText() : v.isObject() && v.path("value").isTextual() ? v.get("value").asText() : null;
                String canonical = ip == null || ip.indexOf('/') >= 0 ? null : AddrRanges.canonical(ip);
                if (canonical == null) throw invalid(at + ".ip_address", "must be one IPv4 or IPv6 address, not " + v);
                return new Filter(Filter.Kind.IP_ADDRESS, canonical, List.of());
            }
            case "actors" -> {
                if (!v.isTextual() || !v.asText().equals("ams")) throw invalid(at + ".actors", "must be \"ams\" (all managed workloads), not " + v);
                return new Filter(Filter.Kind.AMS, "ams", List.of());
            }
            case "transmission" -> {
                if (include) throw invalid(at + ".transmission", "may only be excluded, as in Illumio's Explorer");
                if (!v.isTextual() || !TRANSMISSIONS.contains(v.asText())) {
                    throw invalid(at + ".transmission", "must be unicast, broadcast or multicast, not " + v);
                }
                return new Filter(Filter.Kind.TRANSMISSION, v.asText(), List.of());
            }
            default -> throw ApiException.invalid("unsupported_filter", at + ".fqdn: Cordon's VENs do not record DNS"
                    + " names, so no flow could match; filter by ip_address or ip_list instead.");
        }
    }

    private List<String> expand(String href, String at) {
        Map<String, LabelGroup> groups = new HashMap<>();
        for (PolicyDocument d : docs()) for (LabelGroup g : d.labelGroupsOrEmpty()) groups.putIfAbsent(g.href(), g);
        if (!groups.containsKey(href)) throw ApiException.invalid("unknown_label_group", at + ": no label group " + href + " in org " + org + ".");
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(href));
        Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            LabelGroup g = groups.get(todo.remove(todo.size() - 1));
            if (g == null || !seen.add(g.href())) continue;
            g.labelsOrEmpty().forEach(r -> out.add(r.href()));
            g.subGroupsOrEmpty().stream().map(Ref::href).map(PolicyHrefs::toDraft).forEach(todo::add);
        }
        return List.copyOf(out);
    }

    private List<PolicyDocument> docs() {
        return draft == null ? List.of(active) : List.of(draft, active);
    }

    private Label label(String href) {
        for (PolicyDocument d : docs()) for (Label l : d.labelsOrEmpty()) if (l.href().equals(href)) return l;
        return null;
    }

    private IpList ipList(String href) {
        for (PolicyDocument d : docs()) for (IpList l : d.ipListsOrEmpty()) if (l.href().equals(href)) return l;
        return null;
    }

    private static String href(JsonNode v, String at) {
        if (!v.isObject() || !v.path("href").isTextual()) throw wrongType(at, "an object {\"href\": ...}", v);
        return v.get("href").asText();
    }

    private static List<ServiceFilter> services(JsonNode list, String at) {
        List<ServiceFilter> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) throw wrongType(at, "a list of {port, to_port, proto}", list);
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String p = at + "[" + i + "]";
            if (!s.isObject()) throw wrongType(p, "an object {port, to_port, proto}", s);
            Json.onlyFields(s, SERVICE, "traffic query's " + p);
            for (String f : List.of("process_name", "windows_service_name")) {
                if (s.hasNonNull(f)) {
                    throw ApiException.invalid("unsupported_filter", p + "." + f + ": Cordon's VENs do not record process"
                            + " or service names, so no flow could match; filter by port and proto instead.");
                }
            }
            Integer proto = null;
            JsonNode pr = s.get("proto");
            if (pr != null && !pr.isNull()) {
                if (pr.isTextual() && PROTOCOLS.containsKey(pr.asText().toLowerCase(Locale.ROOT))) proto = PROTOCOLS.get(pr.asText().toLowerCase(Locale.ROOT));
                else if (pr.isIntegralNumber() && pr.asInt() >= 0 && pr.asInt() <= 255) proto = pr.asInt();
                else throw invalid(p + ".proto", "must be a protocol number 0-255 or tcp, udp, icmp, icmpv6, not " + pr);
            }
            Integer port = intIn(s, "port", p, 0, 65535);
            Integer to = intIn(s, "to_port", p, 0, 65535);
            if (to != null && port == null) throw invalid(p + ".to_port", "needs port (the start of the range)");
            if (to != null && to < port) throw invalid(p + ".to_port", "is below port");
            Integer type = intIn(s, "icmp_type", p, 0, 255);
            Integer code = intIn(s, "icmp_code", p, 0, 255);
            out.add(new ServiceFilter(proto, port, to, type, code));
        }
        return out;
    }

    private static Integer intIn(JsonNode s, String f, String at, int min, int max) {
        JsonNode v = s.get(f);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw invalid(at + "." + f, "must be a whole number from " + min + " to " + max + ", not " + v);
        }
        return v.asInt();
    }

    private static long date(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) throw invalid(field, "is required (RFC 3339 UTC, e.g. 2026-01-01T00:00:00Z)");
        if (!v.isTextual()) throw wrongType(field, "an RFC 3339 UTC time such as 2026-01-01T00:00:00Z", v);
        try {
            return Instant.parse(v.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw invalid(field, "must be an RFC 3339 UTC time such as 2026-01-01T00:00:00Z, not '" + v.asText() + "'");
        }
    }

    private static boolean bool(JsonNode body, String field, boolean dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw wrongType(field, "true or false", v);
        return v.asBoolean();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(field, "a string", v);
        return v.asText();
    }

    static ApiException invalid(String field, String what) {
        return ApiException.invalid("invalid_traffic_query", field + " " + what + ".");
    }

    static ApiException wrongType(String field, String want, JsonNode got) {
        return ApiException.invalid("invalid_field_type", field + " must be " + want + ", not "
                + got.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(got.toString()) + ".");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
