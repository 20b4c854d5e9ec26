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
}
