package dev.cordon.pce.policy;

import dev.cordon.policy.Engine;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.PolicyDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation of a document that differs from a valid one only in labels and IP lists that nothing refers to (see
 * {@link SameAnswers}): what the whole document's validation would find can only be in those labels and IP lists,
 * and in an IP list that is unchanged only through its name (unique among all of them). So every label is checked
 * (cheap: no address to parse), every changed IP list in full, and an unchanged one by its name only — parsing every
 * address range of every IP list after each write to one of them was the cost of a draft {@code policy_check} under
 * a mixed write load. Pure.
 */
final class LightValidation {
    private LightValidation() {}

    /** True when {@code next} is valid, given that {@code valid} is and they differ only as said above. */
    static boolean valid(PolicyDocument valid, PolicyDocument next) {
        Map<String, IpList> before = new HashMap<>();
        for (IpList l : valid.ipListsOrEmpty()) before.put(l.href(), l);
        List<IpList> lists = new ArrayList<>();
        for (IpList l : next.ipListsOrEmpty()) {
            // equal to a list that was valid: only its name can clash with a changed one
            lists.add(l.equals(before.get(l.href())) ? IpList.of(l.href(), l.name(), List.of()) : l);
        }
        return Engine.validate(new PolicyDocument(next.labelsOrEmpty(), null, null, lists, null, null, null)).isEmpty();
    }
}
