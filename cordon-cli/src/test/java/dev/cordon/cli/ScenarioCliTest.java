package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.testing.Scenarios;
import dev.cordon.policy.testing.Scenarios.Check;
import dev.cordon.policy.testing.Scenarios.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every field of every scenario file, checked through the {@code cordon policy} commands. */
class ScenarioCliTest {

    @TestFactory
    Stream<DynamicTest> everyScenarioHoldsThroughTheCli() {
        return Scenarios.all().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> verify(s)));
    }

    private static void verify(Scenario s) throws Exception {
        String file = s.file().toString();
        CliRun validate = CliRun.of("policy", "validate", file);
        if (s.isInvalid()) {
            assertThat(validate.exitCode()).as("validate exit code").isEqualTo(2);
            for (String fragment : s.expectErrors()) assertThat(validate.err()).contains(fragment);
            assertThat(validate.err()).doesNotContain("Exception");
            return;
        }
        assertThat(validate.exitCode()).as("validate: %s", validate.err()).isZero();
        List<String> failures = new ArrayList<>();
        for (Check c : s.checks()) {
            CliRun run = CliRun.of("policy", "check", file, "--from", c.from(), "--to", c.to(), "--port",
                    String.valueOf(c.port()), "--proto", c.proto(), "--json");
            assertThat(run.exitCode()).as("check exit code: %s", run.err()).isZero();
            JsonNode d = PolicyJson.mapper().readTree(run.out());
            String got = d.path("allowed").asBoolean() ? "allowed" : "blocked";
            if (!got.equals(c.expect())) failures.add(c + " but was " + got);
            if (c.expectSource() != null && !c.expectSource().equals(d.path("source").path("verdict").asText())) {
                failures.add(c + ": source " + d.path("source").path("verdict").asText());
            }
            if (c.expectDestination() != null
                    && !c.expectDestination().equals(d.path("destination").path("verdict").asText())) {
                failures.add(c + ": destination " + d.path("destination").path("verdict").asText());
            }
            if (c.expectRule() != null) {
                List<String> rules = List.of(d.path("source").path("rule").path("href").asText(),
                        d.path("destination").path("rule").path("href").asText());
                if (!rules.contains(c.expectRule())) failures.add(c + ": rules " + rules);
            }
        }
        assertThat(failures).as("flow checks of %s through the CLI", s.name()).isEmpty();
        CliRun conflicts = CliRun.of("policy", "conflicts", file, "--json");
        assertThat(conflicts.exitCode()).isZero();
        JsonNode found = PolicyJson.mapper().readTree(conflicts.out());
        for (Scenarios.ExpectedConflict ec : s.expectConflicts()) {
            boolean present = false;
            for (JsonNode c : found) {
                present |= c.path("kind").asText().equals(ec.kind()) && c.path("rule").path("href").asText().equals(ec.rule())
                        && c.path("conflicting_rule").path("href").asText().equals(ec.conflictingRule())
                        && c.path("example_flow").hasNonNull("src");
            }
            assertThat(present).as("conflict %s in %s", ec, found).isTrue();
        }
        if (s.raw().has("expect_conflicts")) assertThat(found).hasSameSizeAs(s.expectConflicts());
        for (var e : s.expectCoexistence().entrySet()) {
            CliRun compile = CliRun.of("policy", "compile", file, "--workload", e.getKey(), "--format", "json");
            assertThat(compile.exitCode()).as(compile.err()).isZero();
            assertThat(PolicyJson.mapper().readTree(compile.out()).path("coexistence").asText())
                    .as("coexistence of %s", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
