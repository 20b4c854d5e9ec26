package dev.cordon.policy.validate;

import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.LabelGroup;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Label groups: a unique name, one key, members and sub-groups that exist and have that key, and no cycle among
 * sub-groups. The cycle search is an iterative depth-first walk (no recursion, so deep nesting cannot overflow the
 * stack) that visits each group once.
 */
final class LabelGroupValidator {
    private enum Mark { ON_PATH, DONE }

    private LabelGroupValidator() {}

    static void check(PolicyDocument doc, DocumentIndex index, Findings out) {
        UniqueNames<LabelGroup> names = new UniqueNames<>("label_group", LabelGroup::href);
        for (LabelGroup g : doc.labelGroupsOrEmpty()) {
            Subject about = Subject.of(Names.labelGroup(g));
            names.check(about, g.name(), g, out);
            boolean hasKey = g.key() != null && !g.key().isBlank();
            if (!hasKey) {
                out.add(about, "label_group_key_required", "the key is empty; a label group holds labels of one key,"
                        + " e.g. role");
            }
            for (Ref r : g.labelsOrEmpty()) {
                Label l = index.labels.get(r.href());
                if (l == null) {
                    out.add(about, "unknown_label", "member label " + Names.href(r.href()) + " does not exist;"
                            + " create it or remove it from the group");
                } else if (hasKey && !g.key().equals(l.key())) {
                    out.add(about, "label_group_mixed_keys", "the group's key is " + g.key() + " but member label "
                            + r.href() + " is " + l.key() + "=" + l.value() + "; a group holds labels of its own key"
                            + " only, so remove it or use a group of key " + l.key());
                }
            }
            for (Ref r : g.subGroupsOrEmpty()) {
                LabelGroup sub = index.labelGroups.get(r.href());
                if (sub == null) {
                    out.add(about, "unknown_label_group", "sub-group " + Names.href(r.href()) + " does not exist;"
                            + " create it or remove it from the group");
                } else if (hasKey && !g.key().equals(sub.key())) {
                    out.add(about, "label_group_mixed_keys", "the group's key is " + g.key() + " but sub-group '"
                            + sub.name() + "' (" + r.href() + ") has key " + sub.key() + "; sub-groups must have the"
                            + " same key");
                }
            }
        }
        findCycles(doc, index, out);
    }

    private static void findCycles(PolicyDocument doc, DocumentIndex index, Findings out) {
        Map<String, Mark> marks = new HashMap<>();
        for (LabelGroup start : doc.labelGroupsOrEmpty()) {
            if (Hrefs.missing(start.href()) || marks.containsKey(start.href())) continue;
            List<String> path = new ArrayList<>();
            List<Integer> next = new ArrayList<>();
            path.add(start.href());
            next.add(0);
            marks.put(start.href(), Mark.ON_PATH);
            while (!path.isEmpty()) {
                int top = path.size() - 1;
                LabelGroup g = index.labelGroups.get(path.get(top));
                List<Ref> subs = g == null ? List.of() : g.subGroupsOrEmpty();
                int i = next.get(top);
                if (i >= subs.size()) {
                    marks.put(path.remove(top), Mark.DONE);
                    next.remove(top);
                    continue;
                }
                next.set(top, i + 1);
                String sub = subs.get(i).href();
                if (sub == null || !index.labelGroups.containsKey(sub)) continue;
                Mark m = marks.get(sub);
                if (m == Mark.ON_PATH) {
                    reportCycle(path, sub, index, out);
                } else if (m == null) {
                    marks.put(sub, Mark.ON_PATH);
                    path.add(sub);
                    next.add(0);
                }
            }
        }
    }

    private static void reportCycle(List<String> path, String back, DocumentIndex index, Findings out) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(back), path.size()));
        cycle.add(back);
        out.add(Subject.of(Names.labelGroup(index.labelGroups.get(back))), "label_group_cycle",
                "sub-groups form a cycle " + String.join(" -> ", cycle) + "; remove one of these sub-group references");
    }
}
