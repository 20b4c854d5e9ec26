package dev.cordon.pce.policy;

import static dev.cordon.pce.policy.SameAnswersTest.plus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.Engine;
import dev.cordon.policy.gen.OrgGenerator;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The light check (changed IP lists in full, unchanged ones by name, every label) says valid exactly when the whole
 * document's validation does, for the changes it is used for.
 */
class LightValidationTest {
    final PolicyDocument valid = OrgGenerator.generate(50, 40, 11);

    IpList list(int n, String name, String range) {
        return IpList.of("/orgs/1/sec_policy/draft/ip_lists/" + (9000 + n), name, List.of(IpRange.of(range)));
    }

    void agrees(PolicyDocument next, boolean expected) {
        assertThat(Engine.validate(next).isEmpty()).as("whole-document validation").isEqualTo(expected);
        assertThat(LightValidation.valid(valid, next)).as("light validation").isEqualTo(expected);
    }

    @Test
    void aNewGoodIpListOrLabelIsValid() {
        agrees(valid.withIpLists(plus(valid.ipListsOrEmpty(), list(1, "partners", "198.51.100.0/24"))), true);
        agrees(valid.withLabels(plus(valid.labelsOrEmpty(), Label.of("/orgs/1/labels/9001", "role", "spare"))), true);
    }

    @Test
    void aChangedIpListIsCheckedInFull() {
        agrees(valid.withIpLists(plus(valid.ipListsOrEmpty(), list(1, "broken", "198.51.100.300"))), false);
    }

    @Test
    void anUnchangedIpListStillClashesByName() {
        IpList existing = valid.ipListsOrEmpty().get(0);
        agrees(valid.withIpLists(plus(valid.ipListsOrEmpty(), list(2, existing.name(), "203.0.113.0/24"))), false);
    }

    @Test
    void aDuplicateLabelIsInvalid() {
        Label existing = valid.labelsOrEmpty().get(0);
        agrees(valid.withLabels(plus(valid.labelsOrEmpty(),
                Label.of("/orgs/1/labels/9002", existing.key(), existing.value()))), false);
    }
}
