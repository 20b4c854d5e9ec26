package dev.cordon.policy.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.policy.Engine;
import dev.cordon.policy.conflict.Conflict;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.RuleRef;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.testing.Scenarios;
import dev.cordon.policy.testing.Scenarios.Check;
import dev.cordon.policy.testing.Scenarios.Scenario;
import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every field of every scenario file, checked through the engine. */
class ScenarioEngineTest {

    @TestFactory
    Stream<DynamicTest> everyScenarioHoldsThroughTheEngine() {
        return Scenarios.all().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> verify(s)));
    }

    static void verify(Scenario s) {
        PolicyDocument doc = s.document();
        if (s.isInvalid()) {
            assertThatThrownBy(() -> Engine.of(doc)).isInstanceOf(PolicyException.class).satisfies(e -> {
                List<String> messages = ((PolicyException) e).errors().stream().map(ValidationError::message).toList();
                for (String fragment : s.expectErrors()) {
                    assertThat(messages).as("errors of %s", s.name()).anySatisfy(m -> assertThat(m).contains(fragment));
                }
            });
            return;
        }
        Engine engine = Engine.of(doc);
        List<String> failures = new ArrayList<>();
        for (Check c : s.checks()) {
            Decision d = engine.explain(Scenarios.flow(doc, c));
            String got = d.allowed() ? "allowed" : "blocked";
            if (!got.equals(c.expect())) failures.add(c + " but was " + got + " (" + d + ")");
            if (c.expectSource() != null && !c.expectSource().equals(d.source().verdict().wire())) {
                failures.add(c + ": source " + d.source().verdict().wire() + ", expected " + c.expectSource());
            }
            if (c.expectDestination() != null && !c.expectDestination().equals(d.destination().verdict().wire())) {
                failures.add(c + ": destination " + d.destination().verdict().wire() + ", expected " + c.expectDestination());
            }
            if (c.expectRule() != null) {
                RuleRef r = d.decidingRule();
                if (r == null || !c.expectRule().equals(r.href())) {
                    failures.add(c + ": deciding rule " + (r == null ? "none" : r.href()) + ", expected " + c.expectRule());
                }
            }
        }
        assertThat(failures).as("flow checks of scenario %s", s.name()).isEmpty();
        List<Conflict> conflicts = engine.conflicts();
        for (Scenarios.ExpectedConflict ec : s.expectConflicts()) {
            assertThat(conflicts).as("conflicts of %s", s.name()).anySatisfy(c -> {
                assertThat(c.kind().wire()).isEqualTo(ec.kind());
                assertThat(c.rule().href()).isEqualTo(ec.rule());
                assertThat(c.conflictingRule().href()).isEqualTo(ec.conflictingRule());
            });
        }
        if (s.raw().has("expect_conflicts")) {
            assertThat(conflicts).as("no conflict beyond the expected ones in %s", s.name())
                    .hasSameSizeAs(s.expectConflicts());
        }
        s.expectCoexistence().forEach((name, state) -> assertThat(
                engine.compile(name, 1).coexistence().wire()).as("coexistence of %s", name).isEqualTo(state));
    }
}
