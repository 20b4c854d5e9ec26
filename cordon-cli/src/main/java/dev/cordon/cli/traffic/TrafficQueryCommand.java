package dev.cordon.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.json.PolicyJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordon traffic query}: one Explorer query through the PCE's asynchronous API (the same calls as Illumio's
 * SDK), printed as a table or, with {@code --json}, as the PCE's flow records. Option values are checked here
 * first (a bad one is exit 2 with a message naming it) and the PCE checks the query again (its 406 is shown as is).
 */
@Command(name = "query", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Query the flows the VENs reported, with the policy decision and the deciding rule at the end"
                + " that reported each (a connection between two workloads shows twice: as its destination saw it and"
                + " as its source did).",
                "",
                "An end (--src, --dst) is an IP address, a label key=value, a workload name or hostname, an IP list"
                + " name, an href (label, label group, workload, IP list) or 'ams' (all managed workloads). Within one"
                + " --src, conditions separated by ',' must all hold; repeated --src options are alternatives."},
        footer = {"", "Examples:",
                "  cordon traffic query --pce https://127.0.0.1:8443 --since 1h \\",
                "      --api-key-file /var/lib/cordon/owner-api-key \\",
                "      --ca-cert /var/lib/cordon/tls/pce-cert.pem",
                "  cordon traffic query --pce https://pce:8443 --ca-cert pce-cert.pem \\",
                "      --dst role=db,env=prod --port 5432",
                "  cordon traffic query --pce https://pce:8443 --ca-cert pce-cert.pem \\",
                "      --decision potentially_blocked --json",
                "  CORDON_API_KEY=api_1:secret cordon traffic query \\",
                "      --pce http://127.0.0.1:8080 --src 10.0.0.5 --proto udp",
                "",
                "Exit codes: 0 success (also when no flow matched), 1 the PCE could not be reached or the query failed,"
                        + " 2 bad input (the message says what to fix)."})
public final class TrafficQueryCommand implements Callable<Integer> {
    static final Set<String> DECISIONS = Set.of("allowed", "blocked", "potentially_blocked", "unknown");
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58, "sctp", 132);

    @Option(names = "--pce", required = true, paramLabel = "URL",
            description = "The PCE, e.g. https://127.0.0.1:8443 (http:// only to a loopback address).")
    String pce;

    @Option(names = "--api-key", paramLabel = "USER:SECRET",
            description = "The API key (auth_username:secret). Default: --api-key-file, else $CORDON_API_KEY.")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "A file holding the API key on one line, e.g. the PCE's <data>/owner-api-key.")
    Path apiKeyFile;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "The PEM certificate to trust for https:// (the PCE's self-signed <data>/tls/pce-cert.pem);"
                    + " default: the JVM's trust store.")
    Path caCert;

    @Option(names = "--org", defaultValue = "1", paramLabel = "N", description = "The org (default ${DEFAULT-VALUE}).")
    int org;

    @Option(names = "--src", paramLabel = "END[,END...]", description = "Flows from this end (repeatable: any of them).")
    List<String> src = new ArrayList<>();

    @Option(names = "--dst", paramLabel = "END[,END...]", description = "Flows to this end (repeatable: any of them).")
    List<String> dst = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT[-TO]", split = ",",
            description = "Destination port or range (repeatable, or comma-separated).")
    List<String> ports = new ArrayList<>();

    @Option(names = "--proto", paramLabel = "PROTO",
            description = "tcp, udp, icmp, icmpv6, sctp or a protocol number 0-255 (applies to every --port).")
    String proto;

    @Option(names = "--decision", paramLabel = "DECISION", split = ",",
            description = "allowed, blocked, potentially_blocked or unknown (repeatable, or comma-separated; default all).")
    List<String> decisions = new ArrayList<>();

    @Option(names = "--since", defaultValue = "24h", paramLabel = "AGE|TIME",
            description = "Start of the window: an age (90s, 15m, 1h, 7d) or an RFC 3339 time (default ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--until", paramLabel = "AGE|TIME", description = "End of the window, same forms (default now).")
    String until;

    @Option(names = "--max-results", defaultValue = "10000", paramLabel = "N",
            description = "At most this many flow records, 1-2147483647 (default ${DEFAULT-VALUE}).")
    long maxResults;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the PCE to run the query (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print the PCE's flow records (Illumio's shape plus rule) as a JSON array.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Instant now = Instant.now();
            Map<String, Object> query = query(now);
            PceConnection conn = PceConnection.open(pce, key(), caCert);
            EndFilter ends = new EndFilter(conn, org);
            query.put("sources", block(ends.include("--src", src)));
            query.put("destinations", block(ends.include("--dst", dst)));
            List<JsonNode> flows = new ExplorerClient(conn, org).run(query, Duration.ofSeconds(timeoutSeconds));
            if (json) {
                out.println(PolicyJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(flows));
            } else {
                print(out, conn, flows, query);
            }
            out.flush();
            return 0;
        } catch (TrafficError e) {
            err.println(e);
            err.flush();
            return e.exitCode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            err.println("output_failed: cannot write the flows as JSON: " + e.getOriginalMessage());
            return TrafficError.FAILED;
        }
    }

    /** The parts of Illumio's query body that need no PCE lookups; checked before anything is sent. */
    Map<String, Object> query(Instant now) {
        Instant start = TimeArg.parse("--since", since, now);
        Instant end = until == null ? now : TimeArg.parse("--until", until, now);
        if (!end.isAfter(start)) {
            throw TrafficError.badInput("invalid_window", "The window is empty: --since " + since + " (" + start
                    + ") is not before --until " + (until == null ? "now" : until) + " (" + end + ").");
        }
        if (maxResults < 1 || maxResults > Integer.MAX_VALUE) {
            throw TrafficError.badInput("invalid_max_results", "--max-results must be from 1 to " + Integer.MAX_VALUE
                    + ", not " + maxResults + ".");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw TrafficError.badInput("invalid_timeout", "--timeout must be from 1 to 86400 seconds, not " + timeoutSeconds + ".");
        }
        if (org < 1) throw TrafficError.badInput("invalid_org", "--org must be a positive org id, not " + org + ".");
        List<String> ds = new ArrayList<>();
        for (String d : decisions) {
            String v = d.strip();
            if (!DECISIONS.contains(v)) {
                throw TrafficError.badInput("invalid_decision", "--decision '" + d + "' is not one of allowed, blocked,"
                        + " potentially_blocked, unknown.");
            }
            if (!ds.contains(v)) ds.add(v);
        }
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("query_name", "cordon traffic query");
        q.put("start_date", start.toString());
        q.put("end_date", end.toString());
        q.put("services", Map.of("include", services(), "exclude", List.of()));
        q.put("policy_decisions", ds);
        q.put("max_results", maxResults);
        return q;
    }

    List<Map<String, Object>> services() {
        Integer p = proto == null ? null : protocol(proto);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!ports.isEmpty() && p != null && (p == 1 || p == 58)) {
            throw TrafficError.badInput("invalid_port", "--port does not apply to " + proto + " (ICMP has types, not"
                    + " ports): drop --port.");
        }
        for (String s : ports) {
            Map<String, Object> svc = new LinkedHashMap<>();
            String v = s.strip();
            int dash = v.indexOf('-');
            int from = port(s, dash < 0 ? v : v.substring(0, dash));
            svc.put("port", from);
            if (dash >= 0) {
                int to = port(s, v.substring(dash + 1));
                if (to < from) throw TrafficError.badInput("invalid_port", "--port " + s + ": the range ends below its start.");
                svc.put("to_port", to);
            }
            if (p != null) svc.put("proto", p);
            out.add(svc);
        }
        if (out.isEmpty() && p != null) out.add(Map.of("proto", p));
        return out;
    }

    private static int port(String option, String v) {
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 0 && n <= 65535) return n;
        } catch (NumberFormatException e) {
            // the message below says what a port looks like
        }
        throw TrafficError.badInput("invalid_port", "--port '" + option + "' is not a port 0-65535 or a range such as"
                + " 8000-8100.");
    }

    private static int protocol(String v) {
        String s = v.strip().toLowerCase(java.util.Locale.ROOT);
        if (PROTOCOLS.containsKey(s)) return PROTOCOLS.get(s);
        try {
            int n = Integer.parseInt(s);
            if (n >= 0 && n <= 255) return n;
        } catch (NumberFormatException e) {
            // the message below lists the forms
        }
        throw TrafficError.badInput("invalid_proto", "--proto '" + v + "' is not tcp, udp, icmp, icmpv6, sctp or a"
                + " protocol number 0-255.");
    }

    private String key() {
        if (apiKey != null && apiKeyFile != null) {
            throw TrafficError.badInput("conflicting_api_key", "Give either --api-key or --api-key-file, not both.");
        }
        if (apiKey != null) return apiKey;
        if (apiKeyFile != null) return PceConnection.keyFromFile(apiKeyFile);
        return System.getenv("CORDON_API_KEY");
    }

    private static Map<String, Object> block(List<List<Map<String, Object>>> include) {
        return Map.of("include", include.isEmpty() ? List.of(List.of()) : include, "exclude", List.of());
    }

    private static void print(PrintWriter out, PceConnection conn, List<JsonNode> flows, Map<String, Object> query) {
        String window = query.get("start_date") + " to " + query.get("end_date");
        if (flows.isEmpty()) {
            out.println("No flows matched from " + window + ".");
            return;
        }
        List<TrafficRecord> records = flows.stream().map(TrafficRecord::of).toList();
        out.print(new FlowTable(ruleSetNames(conn)).render(records, ""));
        long conns = records.stream().mapToLong(TrafficRecord::connections).sum();
        out.println();
        out.println(records.size() + " flow record" + (records.size() == 1 ? "" : "s") + ", " + conns + " connection"
                + (conns == 1 ? "" : "s") + ", " + window + ". REPORTED: by dst = the destination's VEN (inbound),"
                + " by src = the source's (outbound).");
        if (records.size() >= ((Number) query.get("max_results")).longValue()) {
            out.println("(--max-results " + query.get("max_results") + " reached: there may be more.)");
        }
    }

    /** Rule set names by href, fetched once each; null when the PCE does not show it (then the href is printed). */
    static java.util.function.Function<String, String> ruleSetNames(PceConnection conn) {
        Map<String, String> cache = new HashMap<>();
        return href -> cache.computeIfAbsent(href, h -> {
            try {
                JsonNode rs = conn.get(h);
                return rs == null ? null : rs.path("name").asText(null);
            } catch (TrafficError e) {
                return null;
            }
        });
    }
}
