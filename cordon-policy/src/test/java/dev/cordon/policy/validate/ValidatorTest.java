package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.Actor;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Rule;
import dev.cordon.policy.model.RuleSet;
import dev.cordon.policy.model.ServiceRef;
import dev.cordon.policy.model.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The validator as a whole: all problems at once, the per-rule-set view, the scenario files, and its speed. */
class ValidatorTest {
    @Test
    void aValidDocumentHasNoErrors() {
        assertValid(base());
    }

    @Test
    void everyProblemInTheDocumentIsReportedAtOnce() {
        PolicyDocument d = withRules(allow(1, List.of(Actor.label("/orgs/1/labels/99")), List.of()),
                allow(2, List.of(Actor.workload("/orgs/1/workloads/zz")), List.of(Actor.label(WEB))))
                .withLabels(List.of(Label.of(WEB, "role", "web"), Label.of(DB, "role", "db"),
                        Label.of(PROD, "env", "prod"), Label.of("/orgs/1/labels/9", "role", "web")))
                .withIpLists(List.of(IpList.of(ANY, "bad", List.of(IpRange.of("10.0.0.0/33")))));
        assertThat(Validator.validate(d)).extracting(ValidationError::token).contains("unknown_label",
                "consumers_required", "unknown_workload", "label_key_and_value_must_be_unique", "invalid_ip_range");
    }

    @Test
    void requireValidThrowsWithEveryError() {
        PolicyDocument d = withRules(allow(1, List.of(), List.of()));
        assertThatThrownBy(() -> Validator.requireValid(d)).isInstanceOfSatisfying(PolicyException.class,
                e -> assertThat(e.errors()).extracting(ValidationError::token)
                        .containsExactly("providers_required", "consumers_required"));
    }

    @Test
    void requireValidAcceptsAValidDocument() {
        Validator.requireValid(base());
    }

    @Test
    void validateRuleSetKeepsOnlyThatRuleSetsErrors() {
        RuleSet good = RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/2", "good", List.of(List.of()), List.of(),
                List.of(), List.of());
        PolicyDocument d = withStatement("raw", "OUTPUT", "-j ACCEPT").withLabels(List.of(Label.of(WEB, "role", "web"),
                Label.of(DB, "role", "db"), Label.of(PROD, "env", "prod"), Label.of("/orgs/1/labels/9", "role", "web")));
        d = d.withRuleSets(List.of(d.ruleSetsOrEmpty().get(0), good));
        assertThat(Validator.validateRuleSet(d, d.ruleSetsOrEmpty().get(0))).extracting(ValidationError::token)
                .containsExactly("invalid_iptables_table");
        assertThat(Validator.validateRuleSet(d, good)).isEmpty();
    }

    @Test
    void validateRuleSetReportsANameClashToEitherRuleSet() {
        RuleSet first = ruleSet(List.of(), List.of(), List.of());
        RuleSet second = RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/2", RS_NAME, List.of(List.of()), List.of(),
                List.of(), List.of());
        PolicyDocument d = base().withRuleSets(List.of(first, second));
        assertThat(Validator.validateRuleSet(d, first)).extracting(ValidationError::token)
                .containsExactly("rule_set_name_in_use");
        assertThat(Validator.validateRuleSet(d, second)).extracting(ValidationError::token)
                .containsExactly("rule_set_name_in_use");
    }

    @Test
    void validateRuleSetJudgesARuleSetNotYetInTheDocument() {
        RuleSet fresh = RuleSet.of("/orgs/1/sec_policy/draft/rule_sets/5", "fresh", List.of(List.of()),
                List.of(Rule.allow("/orgs/1/sec_policy/draft/rule_sets/5/sec_rules/1", List.of(Actor.label("/x/1")),
                        List.of(Actor.ams()), List.of(ServiceRef.service(ALL)), false, false)), List.of(), List.of());
        assertThat(Validator.validateRuleSet(base(), fresh)).singleElement()
                .satisfies(e -> assertThat(e.token()).isEqualTo("unknown_label"));
    }

    @Test
    void disabledRuleSetsAreValidatedToo() {
        RuleSet off = new RuleSet(RS, "off", false, null, List.of(List.of()), List.of(allow(1, List.of(), List.of(
                Actor.label(WEB))).withEnabled(false)), List.of(), List.of(), null, null, null, null, null, null);
        assertThat(error(base().withRuleSets(List.of(off)), "providers_required").message()).contains("Rule set 'off'");
    }

    @Test
    void theInvalidScenarioIsRejectedNamingRawAndTheOthersAreValid() throws IOException {
        List<Path> files = scenarioFiles();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("invalid-custom-iptables-table.json");
        ObjectMapper json = new ObjectMapper();
        for (Path f : files) {
            JsonNode expect = json.readTree(f.toFile()).get("expect_errors");
            List<ValidationError> errors = Validator.validate(PolicyJson.readDocument(f));
            if (expect == null || expect.isNull()) {
                assertThat(errors).as(f.getFileName().toString()).isEmpty();
            } else {
                assertThat(errors).as(f.getFileName().toString()).isNotEmpty();
                for (JsonNode fragment : expect) {
                    assertThat(errors).as(f.getFileName().toString())
                            .anySatisfy(e -> assertThat(e.message()).contains(fragment.asText()));
                }
            }
        }
        PolicyDocument raw = PolicyJson.readDocument(scenarios().resolve("invalid-custom-iptables-table.json"));
        assertThat(Validator.validate(raw)).anySatisfy(e -> assertThat(e.message()).contains("raw")
                .contains("/orgs/1/sec_policy/draft/rule_sets/1/ip_tables_rules/1").contains("Rule set 'bad'"));
    }

    /** Behaviour at scale; the time it takes is measured by `cordon bench compile` (the validate line), not here. */
    @Test
    void aHundredThousandWorkloadsAndTenThousandRulesValidateCleanly() {
        PolicyDocument big = largeOrg(100_000, 100, 100);
        List<ValidationError> errors = Validator.validate(big);
        assertThat(errors).isEmpty();
    }

    /** Workloads spread over 20 roles and 5 environments; each rule set holds allow and deny rules between roles. */
    private static PolicyDocument largeOrg(int workloads, int ruleSets, int rulesPerSet) {
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < 20; i++) labels.add(Label.of("/orgs/1/labels/r" + i, "role", "r" + i));
        for (int i = 0; i < 5; i++) labels.add(Label.of("/orgs/1/labels/e" + i, "env", "e" + i));
        List<Workload> ws = new ArrayList<>(workloads);
        for (int w = 0; w < workloads; w++) {
            String ip = "10." + (w >> 16) + "." + ((w >> 8) & 255) + "." + (w & 255);
            ws.add(Workload.managed("/orgs/1/workloads/" + w, "w" + w,
                    List.of(Ref.of("/orgs/1/labels/r" + (w % 20)), Ref.of("/orgs/1/labels/e" + (w % 5))),
                    List.of(new Interface("eth0", ip, 8)), EnforcementMode.FULL, "server", "linux"));
        }
        List<RuleSet> sets = new ArrayList<>();
        for (int s = 0; s < ruleSets; s++) {
            String href = "/orgs/1/sec_policy/draft/rule_sets/" + s;
            List<Rule> allows = new ArrayList<>();
            List<Rule> denies = new ArrayList<>();
            for (int r = 0; r < rulesPerSet; r++) {
                List<Actor> providers = List.of(Actor.label("/orgs/1/labels/r" + (r % 20)));
                List<Actor> consumers = List.of(Actor.label("/orgs/1/labels/r" + ((r + 1) % 20)), Actor.ipList(ANY));
                if (r % 4 == 0) {
                    denies.add(Rule.deny(href + "/deny_rules/" + r, providers, consumers,
                            List.of(ServiceRef.inline(6, 1000 + r, 2000 + r)), false, r % 8 == 0));
                } else {
                    allows.add(Rule.allow(href + "/sec_rules/" + r, providers, consumers,
                            List.of(ServiceRef.service(ALL)), false, false));
                }
            }
            sets.add(RuleSet.of(href, "rs" + s, List.of(List.of(Actor.label("/orgs/1/labels/e" + (s % 5)))), allows,
                    denies, List.of()));
        }
        return base().withLabels(labels).withLabelGroups(List.of()).withWorkloads(ws).withRuleSets(sets);
    }

    private static List<Path> scenarioFiles() throws IOException {
        try (Stream<Path> s = Files.list(scenarios())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** System property {@code cordon.scenarios}, else {@code ../shared/scenarios} beside the project root. */
    private static Path scenarios() {
        String prop = System.getProperty("cordon.scenarios");
        if (prop != null && !prop.isBlank()) return Paths.get(prop);
        Path projectRoot = Paths.get("").toAbsolutePath().getParent();
        return projectRoot.getParent().resolve("shared").resolve("scenarios");
    }
}
