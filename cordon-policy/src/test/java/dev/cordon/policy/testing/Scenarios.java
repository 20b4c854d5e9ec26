package dev.cordon.policy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The public acceptance scenarios ({@code ../shared/scenarios}, see its README) and Cordon's own, in the same format
 * ({@code cordon-policy/src/test/resources/scenarios}, {@link #projectFolder()}: what the shared folder has no file
 * for yet, such as virtual services): every file of both is loaded, so new files are picked up without code changes.
 * Shared with other modules' tests through the test-jar.
 */
public final class Scenarios {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Scenarios() {}

    /** One flow check of a scenario. */
    public record Check(String from, String to, int port, String proto, String expect, String expectSource,
                        String expectDestination, String expectRule, String why) {
        public int protoNumber() {
            return protoNumber(proto);
        }

        public static int protoNumber(String proto) {
            return switch (proto.toLowerCase()) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "icmp" -> 1;
                case "icmpv6", "ipv6-icmp" -> 58;
                default -> Integer.parseInt(proto);
            };
        }

        @Override
        public String toString() {
            return from + " -> " + to + " : " + port + "/" + proto + " expect " + expect;
        }
    }

    /** An expected conflict. */
    public record ExpectedConflict(String kind, String rule, String conflictingRule) {}

    /** One scenario file. */
    public record Scenario(Path file, String name, JsonNode raw, List<Check> checks, List<Check> kernelChecks,
                           List<ExpectedConflict> expectConflicts, List<String> expectErrors,
                           Map<String, String> expectCoexistence, Map<String, List<List<String>>> foreignRules,
                           Map<String, Boolean> expectForeignKept) {
        public boolean isInvalid() {
            return !expectErrors.isEmpty();
        }

        /** The policy document, read by the same code the CLI uses. */
        public PolicyDocument document() {
            return PolicyJson.readDocument(file);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The scenarios folder: system property {@code cordon.scenarios}, else {@code ../shared/scenarios} of the project root. */
    public static Path folder() {
        String prop = System.getProperty("cordon.scenarios");
        if (prop != null && Files.isDirectory(Paths.get(prop))) return Paths.get(prop).normalize();
        Path here = Paths.get("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/scenarios").normalize();
            if (Files.isDirectory(candidate) && Files.exists(p.resolve("pom.xml"))) return candidate;
        }
        throw new IllegalStateException("Cannot find the scenarios folder ../shared/scenarios from " + here
                + "; set -Dcordon.scenarios=PATH");
    }

    /** Cordon's own scenarios: {@code cordon-policy/src/test/resources/scenarios} of the project root. */
    public static Path projectFolder() {
        Path here = Paths.get("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("cordon-policy/src/test/resources/scenarios");
            if (Files.isDirectory(candidate) && Files.exists(p.resolve("pom.xml"))) return candidate;
        }
        throw new IllegalStateException("Cannot find the project's scenarios (cordon-policy/src/test/resources/scenarios)"
                + " from " + here + ": run the tests inside the project");
    }

    /** Every scenario: the shared ones, then the project's own. */
    public static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>(in(folder()));
        out.addAll(in(projectFolder()));
        return out;
    }

    private static List<Scenario> in(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Scenario> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) out.add(load(f));
            if (out.isEmpty()) throw new IllegalStateException("no scenario files in " + folder);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Scenario load(Path f) {
        try {
            JsonNode n = JSON.readTree(f.toFile());
            List<ExpectedConflict> conflicts = new ArrayList<>();
            for (JsonNode c : n.path("expect_conflicts")) {
                conflicts.add(new ExpectedConflict(c.path("kind").asText(), c.path("rule").asText(),
                        c.path("conflicting_rule").asText()));
            }
            List<String> errors = new ArrayList<>();
            n.path("expect_errors").forEach(e -> errors.add(e.asText()));
            Map<String, String> coex = new LinkedHashMap<>();
            n.path("expect_coexistence").fields().forEachRemaining(e -> coex.put(e.getKey(), e.getValue().asText()));
            Map<String, List<List<String>>> foreign = new LinkedHashMap<>();
            n.path("foreign_rules").fields().forEachRemaining(e -> {
                List<List<String>> rules = new ArrayList<>();
                e.getValue().forEach(r -> {
                    List<String> args = new ArrayList<>();
                    r.forEach(a -> args.add(a.asText()));
                    rules.add(args);
                });
                foreign.put(e.getKey(), rules);
            });
            Map<String, Boolean> kept = new LinkedHashMap<>();
            n.path("expect_foreign_kept").fields().forEachRemaining(e -> kept.put(e.getKey(), e.getValue().asBoolean()));
            return new Scenario(f, n.path("name").asText(f.getFileName().toString()), n, checks(n.path("checks")),
                    checks(n.path("kernel_checks")), conflicts, errors, coex, foreign, kept);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + f, e);
        }
    }

    private static List<Check> checks(JsonNode arr) {
        List<Check> out = new ArrayList<>();
        for (Iterator<JsonNode> it = arr.elements(); it.hasNext(); ) {
            JsonNode c = it.next();
            out.add(new Check(c.path("from").asText(), c.path("to").asText(), c.path("port").asInt(),
                    c.path("proto").asText("tcp"), c.path("expect").asText(), text(c, "expect_source"),
                    text(c, "expect_destination"), text(c, "expect_rule"), text(c, "why")));
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** A check's end as an address: an IP as is, else the first interface of the workload with that name or hostname. */
    public static String address(PolicyDocument doc, String nameOrIp) {
        if (AddrRanges.canonical(nameOrIp) != null) return nameOrIp;
        for (Workload w : doc.workloadsOrEmpty()) {
            if (nameOrIp.equals(w.name()) || nameOrIp.equals(w.hostname()) || nameOrIp.equals(w.href())) {
                List<Interface> itfs = w.interfacesOrEmpty();
                if (itfs.isEmpty()) throw new IllegalArgumentException("workload " + nameOrIp + " has no interface");
                return itfs.get(0).address();
            }
        }
        throw new IllegalArgumentException("no workload or address '" + nameOrIp + "'");
    }

    public static Flow flow(PolicyDocument doc, Check c) {
        return new Flow(address(doc, c.from()), address(doc, c.to()), c.protoNumber(), c.port());
    }
}
