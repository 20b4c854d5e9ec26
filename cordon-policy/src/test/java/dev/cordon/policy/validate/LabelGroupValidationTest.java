package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Label groups: one key for members and sub-groups, existing members, unique names, no cycles. */
class LabelGroupValidationTest {
    private static LabelGroup group(String n, String name, String key, List<String> labels, List<String> subs) {
        return LabelGroup.of("/orgs/1/g/" + n, name, key, labels.stream().map(Ref::of).toList(),
                subs.stream().map(Ref::of).toList());
    }

    @Test
    void memberLabelOfAnotherKeyIsRejected() {
        assertThat(error(withLabelGroups(group("1", "mixed", "role", List.of(WEB, PROD), List.of())),
                "label_group_mixed_keys").message()).contains("'mixed'").contains("env=prod").contains(PROD);
    }

    @Test
    void subGroupOfAnotherKeyIsRejected() {
        assertThat(error(withLabelGroups(group("1", "roles", "role", List.of(WEB), List.of("/orgs/1/g/2")),
                group("2", "envs", "env", List.of(PROD), List.of())), "label_group_mixed_keys").message())
                .contains("'roles'").contains("'envs'");
    }

    @Test
    void unknownMemberLabelIsRejected() {
        assertThat(error(withLabelGroups(group("1", "roles", "role", List.of("/orgs/1/labels/77"), List.of())),
                "unknown_label").message()).contains("'roles'").contains("/orgs/1/labels/77");
    }

    @Test
    void unknownSubGroupIsRejected() {
        assertThat(error(withLabelGroups(group("1", "roles", "role", List.of(), List.of("/orgs/1/g/9"))),
                "unknown_label_group").message()).contains("'roles'").contains("/orgs/1/g/9");
    }

    @Test
    void cyclicSubGroupsAreRejectedWithTheirPath() {
        assertThat(error(withLabelGroups(group("1", "a", "role", List.of(WEB), List.of("/orgs/1/g/2")),
                group("2", "b", "role", List.of(DB), List.of("/orgs/1/g/3")),
                group("3", "c", "role", List.of(), List.of("/orgs/1/g/1"))), "label_group_cycle").message())
                .contains("/orgs/1/g/1 -> /orgs/1/g/2 -> /orgs/1/g/3 -> /orgs/1/g/1");
    }

    @Test
    void groupContainingItselfIsACycle() {
        assertThat(errors(withLabelGroups(group("1", "self", "role", List.of(), List.of("/orgs/1/g/1"))),
                "label_group_cycle")).singleElement().satisfies(e -> assertThat(e.message())
                .contains("/orgs/1/g/1 -> /orgs/1/g/1"));
    }

    @Test
    void sharedSubGroupsWithoutACycleAreAccepted() {
        assertValid(withLabelGroups(group("1", "all", "role", List.of(), List.of("/orgs/1/g/2", "/orgs/1/g/3")),
                group("2", "front", "role", List.of(WEB), List.of("/orgs/1/g/3")),
                group("3", "back", "role", List.of(DB), List.of())));
    }

    @Test
    void labelGroupNamesAreUnique() {
        assertThat(error(withLabelGroups(group("1", "tiers", "role", List.of(WEB), List.of()),
                group("2", "tiers", "role", List.of(DB), List.of())), "label_group_name_in_use").message())
                .contains("'tiers'").contains("/orgs/1/g/2");
    }

    @Test
    void labelGroupWithoutKeyIsRejected() {
        assertThat(error(withLabelGroups(group("1", "keyless", null, List.of(), List.of())), "label_group_key_required")
                .message()).contains("'keyless'");
    }
}
