package dev.cordon.policy.validate;

import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;

/** Firewall coexistence entries (SPEC §6): scopes of existing labels and a known workload_mode filter, if any. */
final class CoexistenceValidator {
    private CoexistenceValidator() {}

    static void check(PolicyDocument doc, DocumentIndex index, Findings out) {
        int n = 0;
        for (CoexistenceEntry e : doc.coexistenceOrEmpty()) {
            n++;
            Subject about = Subject.of("Firewall coexistence entry " + n);
            for (Ref r : e.scopeOrEmpty()) {
                if (r == null || !index.labels.containsKey(r.href())) {
                    out.add(about, "unknown_label", "scope label " + Names.href(r == null ? null : r.href())
                            + " does not exist; a coexistence scope lists existing labels, so create it or remove it");
                }
            }
            String mode = e.workloadMode();
            if (mode != null && !CoexistenceEntry.ENFORCED.equals(mode) && !CoexistenceEntry.ILLUMINATED.equals(mode)) {
                out.add(about, "invalid_workload_mode", "workload_mode '" + mode + "' is not known; use enforced,"
                        + " illuminated, or leave it out for all modes");
            }
        }
    }
}
