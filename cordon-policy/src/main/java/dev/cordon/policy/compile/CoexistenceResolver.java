package dev.cordon.policy.compile;

import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resolves a workload's firewall state from the coexistence setting (SPEC §6). A workload coexists when it matches
 * at least one entry (it carries every label of the entry's scope and its mode fits the entry's filter); it is
 * primary when any matching entry says so. Endpoints always coexist. Solaris and AIX stay exclusive.
 */
public final class CoexistenceResolver {
    private static final Set<String> NO_COEXISTENCE_OS = Set.of("solaris", "aix");

    private CoexistenceResolver() {}

    /** The resolved state and, when the setting could not be honoured, a warning for the operator. */
    public record Result(Coexistence state, String warning) {}

    public static Result resolve(Workload w, Set<String> labelHrefs, List<CoexistenceEntry> entries) {
        boolean matched = false;
        boolean primary = false;
        for (CoexistenceEntry e : entries) {
            if (!fits(e, labelHrefs, w.effectiveMode())) continue;
            matched = true;
            primary |= e.isPrimary();
        }
        String os = w.osType() == null ? "" : w.osType().toLowerCase(Locale.ROOT);
        if (NO_COEXISTENCE_OS.contains(os)) {
            String warning = matched || w.isEndpoint()
                    ? "Workload " + w.display() + " runs " + os + ": firewall coexistence is not supported there,"
                    + " so it stays exclusive (Cordon is its only firewall)."
                    : null;
            return new Result(Coexistence.EXCLUSIVE, warning);
        }
        if (w.isEndpoint()) {
            return new Result(primary ? Coexistence.PRIMARY : Coexistence.NOT_PRIMARY, null);
        }
        if (!matched) return new Result(Coexistence.EXCLUSIVE, null);
        return new Result(primary ? Coexistence.PRIMARY : Coexistence.NOT_PRIMARY, null);
    }

    private static boolean fits(CoexistenceEntry e, Set<String> labelHrefs, EnforcementMode mode) {
        for (Ref r : e.scopeOrEmpty()) {
            if (!labelHrefs.contains(r.href())) return false;
        }
        if (e.workloadMode() == null) return true;
        return switch (e.workloadMode()) {
            case CoexistenceEntry.ENFORCED -> mode.isEnforced();
            case CoexistenceEntry.ILLUMINATED -> mode == EnforcementMode.VISIBILITY_ONLY;
            default -> false;
        };
    }
}
