package dev.cordon.pce.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether an engine built from one document answers every question (policy check, compile, conflicts, workload
 * look-up) exactly as one built from another: true when the two differ at most in labels and IP lists that nothing
 * in the document refers to.
 *
 * <p>This is what most writes under load are: a label or an IP list created (nothing can refer to it yet) or changed
 * before any rule or workload uses it. Building the engine again for those — resolving every workload and rule —
 * made every write stall the policy checks behind it. Only labels and IP lists are compared this way, because only
 * they are referred to by href alone and touch nothing else: a label by workloads, label groups and rule sets, an IP
 * list by rule sets (and firewall settings). The search for references is conservative: an href that equals any
 * string value anywhere in those objects counts as referred to, so a false match can only cause a rebuild. The
 * document is still validated whole before the engine is reused (see the callers).
 */
final class SameAnswers {
    private SameAnswers() {}

    /**
     * The engine for {@code next}: {@code previous} itself when it answers the same and {@code next} is valid (an
     * invalid document goes to {@code build}, which reports every error), else a new one.
     */
    static Engine reuseOrBuild(Engine previous, PolicyDocument next, Function<PolicyDocument, Engine> build) {
        if (previous != null && of(previous.document(), next) && Engine.validate(next).isEmpty()) return previous;
        return build.apply(next);
    }

    static boolean of(PolicyDocument built, PolicyDocument next) {
        if (!Objects.equals(built.labelGroups(), next.labelGroups()) || !Objects.equals(built.workloads(), next.workloads())
                || !Objects.equals(built.services(), next.services()) || !Objects.equals(built.ruleSets(), next.ruleSets())
                || !Objects.equals(built.firewallSettings(), next.firewallSettings())
                || !Objects.equals(built.virtualServices(), next.virtualServices())
                || !Objects.equals(built.serviceBindings(), next.serviceBindings())) {
            return false;
        }
        // equal in both, so one set of strings serves both documents
        return References.of(next).sameReferenced(built, next);
    }

    /**
     * Every string the referring objects of a document hold (label groups, rule sets, services, firewall settings,
     * workloads' label hrefs). Kept with a cached engine: when only labels or IP lists change, the referring objects
     * are the same, so the strings need not be collected again (on a large org that took longer than the check).
     */
    static final class References {
        private final Set<String> strings;

        private References(Set<String> strings) {
            this.strings = strings;
        }

        static References of(PolicyDocument d) {
            Set<String> strings = new HashSet<>();
            collect(Json.MAPPER.valueToTree(List.of(d.labelGroupsOrEmpty(), d.ruleSetsOrEmpty(), d.servicesOrEmpty())), strings);
            if (d.firewallSettings() != null) collect(Json.MAPPER.valueToTree(d.firewallSettings()), strings);
            for (Workload w : d.workloadsOrEmpty()) {
                for (Ref r : w.labelsOrEmpty()) strings.add(r.href());
            }
            return new References(strings);
        }

        /**
         * For two documents whose referring objects are those these strings came from: true when the labels and IP
         * lists they refer to are equal in both (the others may differ: nothing sees them).
         */
        boolean sameReferenced(PolicyDocument built, PolicyDocument next) {
            if (hasNoHref(built) || hasNoHref(next)) return false;
            return referenced(built.labelsOrEmpty(), Label::href, strings).equals(referenced(next.labelsOrEmpty(), Label::href, strings))
                    && referenced(built.ipListsOrEmpty(), IpList::href, strings).equals(referenced(next.ipListsOrEmpty(), IpList::href, strings));
        }
    }

    private static boolean hasNoHref(PolicyDocument d) {
        return d.labelsOrEmpty().stream().anyMatch(l -> l.href() == null)
                || d.ipListsOrEmpty().stream().anyMatch(l -> l.href() == null);
    }

    /** Every string value anywhere in {@code n}. */
    private static void collect(JsonNode n, Set<String> out) {
        if (n.isTextual()) out.add(n.asText());
        for (JsonNode c : n) collect(c, out);
    }

    /** The objects whose href occurs among {@code strings}, by href. */
    private static <T> Map<String, T> referenced(List<T> objects, Function<T, String> href, Set<String> strings) {
        Map<String, T> out = new HashMap<>();
        for (T o : objects) {
            String h = href.apply(o);
            if (strings.contains(h)) out.put(h, o);
        }
        return out;
    }
}
