package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.testing.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's forms, exit codes and messages (API.md "CLI"). */
class PolicyCliTest {
    private static final String SEED = Scenarios.folder().resolve("seed-precedence.json").toString();

    @Test
    void checkJsonNamesTheDecidingAllowRule() throws Exception {
        CliRun run = CliRun.of("policy", "check", SEED, "--from", "prod-web", "--to", "dev-web", "--port", "9997",
                "--proto", "tcp", "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode d = PolicyJson.mapper().readTree(run.out());
        assertThat(d.path("allowed").asBoolean()).isTrue();
        assertThat(d.path("destination").path("rule").path("href").asText()).endsWith("/sec_rules/1");
    }

    @Test
    void checkExitsZeroForABlockedFlowAndSaysWhy() {
        CliRun run = CliRun.of("policy", "check", SEED, "--from", "prod-db", "--to", "dev-web", "--port", "22",
                "--proto", "tcp");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("BLOCKED").contains("override deny rule").contains("deny_rules/2");
    }

    @Test
    void checkAcceptsHostnamesAndAddresses() throws Exception {
        CliRun run = CliRun.of("policy", "check", SEED, "--from", "203.0.113.7", "--to", "prod-web.example.internal",
                "--port", "443", "--proto", "6", "--json");
        assertThat(run.exitCode()).isZero();
        assertThat(PolicyJson.mapper().readTree(run.out()).path("allowed").asBoolean()).isTrue();
    }

    @Test
    void checkWithAnUnknownWorkloadIsBadInput() {
        CliRun run = CliRun.of("policy", "check", SEED, "--from", "nobody", "--to", "dev-web", "--port", "22",
                "--proto", "tcp");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown_workload").contains("nobody");
    }

    @Test
    void checkWithABadProtocolIsBadInput() {
        CliRun run = CliRun.of("policy", "check", SEED, "--from", "prod-web", "--to", "dev-web", "--port", "22",
                "--proto", "sctpx");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bad_protocol");
    }

    @Test
    void missingFileIsBadInputWithAClearMessage() {
        CliRun run = CliRun.of("policy", "validate", "/nonexistent/policy.json");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("file_not_found").contains("/nonexistent/policy.json");
    }

    @Test
    void malformedJsonIsBadInputNamingTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"labels\": [\n  {\"href\": }\n]}");
        CliRun run = CliRun.of("policy", "validate", f.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("invalid_json").contains("line 2");
    }

    @Test
    void unknownFieldIsRejectedNamingTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("unknown.json");
        Files.writeString(f, "{\"labels\": [{\"href\": \"/orgs/1/labels/1\", \"key\": \"role\", \"value\": \"web\", \"colour\": \"red\"}]}");
        CliRun run = CliRun.of("policy", "validate", f.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown_field").contains("colour").contains("labels[0]");
    }

    @Test
    void validateAcceptsAValidDocument() {
        CliRun run = CliRun.of("policy", "validate", SEED);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("valid");
    }

    @Test
    void compileJsonPrintsTheFixedTopLevelFields() throws Exception {
        CliRun run = CliRun.of("policy", "compile", SEED, "--workload", "prod-web");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode p = PolicyJson.mapper().readTree(run.out());
        assertThat(p.fieldNames()).toIterable().containsExactly("workload", "version", "hash", "enforcement_mode",
                "coexistence", "sets", "inbound", "outbound", "custom_iptables", "control_plane");
        assertThat(p.path("inbound").get(0).path("action").asText()).isEqualTo("override_deny");
    }

    @Test
    void compileIsDeterministicByteForByte() {
        String a = CliRun.of("policy", "compile", SEED, "--workload", "dev-web").out();
        String b = CliRun.of("policy", "compile", SEED, "--workload", "dev-web").out();
        assertThat(a).isNotEmpty().isEqualTo(b);
    }

    @Test
    void conflictsListsBothKindsWithExamples() {
        CliRun run = CliRun.of("policy", "conflicts", SEED);
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("allow_overridden_by_override_deny").contains("deny_overridden_by_allow")
                .contains("10.1.");
    }

    @Test
    void helpShowsExamples() {
        CliRun run = CliRun.of("policy", "check", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Examples:").contains("--from").contains("--json");
    }

    @Test
    void demoPrintsTheVerdictTableWithDecidingRules() {
        CliRun run = CliRun.of("demo", "--policy-only");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("DECIDING RULE").contains("override_deny").contains("potentially_blocked")
                .contains("Rule conflicts");
    }

    @Test
    void malformedAddressesAreRefusedNotReadAsAnotherHost() {
        for (String from : new String[] {"10.1.266", "10.1.1.10/8", "10.1.1.0/24", "1", "167838986", "0x7f.1", ""}) {
            CliRun run = CliRun.of("policy", "check", SEED, "--from", from, "--to", "prod-web", "--port", "22", "--proto", "tcp");
            assertThat(run.exitCode()).as("--from '" + from + "': " + run.out() + run.err()).isEqualTo(2);
            assertThat(run.err()).as(from).startsWith("bad_address: --from '" + from + "'");
        }
        CliRun v6 = CliRun.of("policy", "check", SEED, "--from", "fd00::1", "--to", "prod-web", "--port", "22", "--proto", "tcp");
        assertThat(v6.exitCode()).as(v6.err()).isZero();
    }

    @Test
    void aNameSharedByTwoWorkloadsMustBeGivenAsAnHref(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode doc = (com.fasterxml.jackson.databind.node.ObjectNode)
                PolicyJson.mapper().readTree(Files.readString(Path.of(SEED)));
        com.fasterxml.jackson.databind.node.ArrayNode ws = (com.fasterxml.jackson.databind.node.ArrayNode) doc.path("policy").path("workloads");
        com.fasterxml.jackson.databind.node.ObjectNode twin = ws.get(0).deepCopy();
        twin.put("href", "/orgs/1/workloads/twin");
        twin.putArray("interfaces").addObject().put("name", "eth0").put("address", "10.9.9.9");
        ws.add(twin);
        Path file = dir.resolve("twins.json");
        Files.writeString(file, doc.toString());
        CliRun run = CliRun.of("policy", "compile", file.toString(), "--workload", "prod-web");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("ambiguous_workload:").contains("/orgs/1/workloads/twin");
        assertThat(CliRun.of("policy", "compile", file.toString(), "--workload", "/orgs/1/workloads/twin").exitCode()).isZero();
    }

    @Test
    void optionMistakesAreOneTokenLineAndIcmpTypesStopAt255() {
        CliRun port = CliRun.of("policy", "check", SEED, "--from", "prod-web", "--to", "dev-web", "--port", "abc", "--proto", "tcp");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err().strip().lines().toList()).as(port.err()).hasSize(1);
        assertThat(port.err()).startsWith("bad_argument: ").contains("--port").contains("--help");
        CliRun icmp = CliRun.of("policy", "check", SEED, "--from", "prod-web", "--to", "dev-web", "--port", "300", "--proto", "icmp");
        assertThat(icmp.err()).startsWith("bad_port:");
        CliRun version = CliRun.of("policy", "validate", "-V");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("cordon ");
    }

    @Test
    void aFractionalPortAndAnOutOfRangeNumberAreRefused(@TempDir Path dir) throws Exception {
        String seed = Files.readString(Path.of(SEED));
        Path frac = dir.resolve("frac.json");
        Files.writeString(frac, seed.replace("\"port\": 9997", "\"port\": 9997.5"));
        assertThat(Files.readString(frac)).as("test setup").contains("9997.5");
        CliRun a = CliRun.of("policy", "validate", frac.toString());
        assertThat(a.exitCode()).isEqualTo(2);
        assertThat(a.err()).contains("service_ports[0].port").contains("whole number");
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, seed.replace("\"port\": 9997", "\"port\": 123456789012345"));
        CliRun b = CliRun.of("policy", "validate", huge.toString());
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err()).contains("out of range").doesNotContain("2147483647");
    }

    @Test
    void badNamespacesAndDataDirectoriesAreOneLineNotAStackTrace(@TempDir Path dir) throws Exception {
        CliRun none = CliRun.of("policy", "apply", SEED, "--workload", "prod-web", "--netns", "cordon-no-such-ns");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).startsWith("bad_netns:").contains("ip netns list").doesNotContain("Exception");
        CliRun bad = CliRun.of("policy", "apply", SEED, "--workload", "prod-web", "--netns", "../etc");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("bad_netns:").doesNotContain("Exception");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliRun data = CliRun.of("pce", "--data", file.toString(), "--listen", "127.0.0.1:0", "--plain-http");
        assertThat(data.exitCode()).isEqualTo(2);
        assertThat(data.err()).startsWith("bad_data_dir:").doesNotContain("Exception");
    }

    @Test
    void requestLimitsOutOfRangeAreOneLine(@TempDir Path dir) throws Exception {
        CliRun small = CliRun.of("pce", "--data", dir.toString(), "--listen", "127.0.0.1:0", "--plain-http",
                "--max-request-bytes", "1048576", "--max-import-bytes", "1024");
        assertThat(small.exitCode()).isEqualTo(2);
        assertThat(small.err()).startsWith("bad_config:").contains("import limit").doesNotContain("Exception");
        CliRun header = CliRun.of("pce", "--data", dir.toString(), "--listen", "127.0.0.1:0", "--plain-http",
                "--max-header-bytes", "10");
        assertThat(header.exitCode()).isEqualTo(2);
        assertThat(header.err()).startsWith("bad_config:").contains("header limit");
    }
}
