package dev.cordon.policy.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cordon.policy.validate.PolicyException;
import dev.cordon.policy.validate.ValidationError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading policy documents: every structural mistake at once, each with its place, and no Jackson internals. */
class PolicyJsonTest {
    static List<ValidationError> errorsOf(String json) {
        try {
            PolicyJson.readDocument(json);
        } catch (PolicyException e) {
            return e.errors();
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void unknownFieldsAndWrongTypesAreAllReportedWithTheirPaths() {
        List<ValidationError> errors = errorsOf("""
                {"labels": [{"href": "/orgs/1/labels/1", "key": "env", "value": "prod", "colour": "red"}],
                 "rule_sets": [{"href": "/orgs/1/sec_policy/draft/rule_sets/1", "name": "a", "enabled": "yes",
                                "rules": [{"href": "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/1", "providers": {"x": 1}}]}],
                 "extra": 1}""");
        assertThat(errors).extracting(ValidationError::message).anySatisfy(m -> assertThat(m).contains("'colour' at labels[0].colour"))
                .anySatisfy(m -> assertThat(m).contains("rule_sets[0].enabled").contains("true or false"))
                .anySatisfy(m -> assertThat(m).contains("rule_sets[0].rules[0].providers").contains("a JSON array"))
                .anySatisfy(m -> assertThat(m).contains("'extra'"));
        assertThat(errors).hasSize(4);
    }

    @Test
    void nullsInListsAreNamedAndNumbersAreNotCoercedIntoStrings() {
        assertThat(errorsOf("{\"labels\": [null], \"workloads\": [{\"href\": \"w\", \"labels\": [null]}]}"))
                .extracting(ValidationError::message)
                .containsExactly("null at labels[0] in the policy document: a list holds values, not null; remove the"
                                + " entry or give it a value.",
                        "null at workloads[0].labels[0] in the policy document: a list holds values, not null; remove"
                                + " the entry or give it a value.");
        assertThat(errorsOf("{\"labels\": [{\"href\": \"/orgs/1/labels/1\", \"key\": 5, \"value\": \"x\"}]}").get(0).message())
                .contains("labels[0].key").contains("a string");
    }

    @Test
    void brokenJsonSaysWhereWithoutJacksonsSourceText() {
        ValidationError e = errorsOf("{\"labels\": [").get(0);
        assertThat(e.token()).isEqualTo("invalid_json");
        assertThat(e.message()).contains("line 1").doesNotContain("Source").doesNotContain("REDACTED");
        assertThatThrownBy(() -> PolicyJson.readDocument("{\"services\": [{\"href\": \"s\", \"name\": \"n\","
                + " \"service_ports\": [{\"proto\": 6, \"port\": 80.5}]}]}"))
                .isInstanceOf(PolicyException.class).hasMessageContaining("whole number");
    }

    @Test
    void aValueARecordRefusesDoesNotHideTheMistakesAfterIt() {
        List<ValidationError> errors = errorsOf("""
                {"workloads": [{"href": "/orgs/1/workloads/w", "name": "w", "enforcement_mode": "strict"}], "extra": 1}""");
        assertThat(errors).extracting(ValidationError::message)
                .anySatisfy(m -> assertThat(m).contains("workloads[0]").contains("enforcement_mode 'strict'"))
                .anySatisfy(m -> assertThat(m).contains("'extra'"));
    }
}
