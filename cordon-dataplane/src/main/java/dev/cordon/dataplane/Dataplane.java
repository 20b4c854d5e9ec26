package dev.cordon.dataplane;

import dev.cordon.policy.compile.FirewallPolicy;
import java.util.Optional;

/**
 * The dataplane as the VEN and the CLI use it, whatever programs the kernel: apply a {@link FirewallPolicy}
 * atomically, read it back, check it for tampering, repair it, take it away, and save and restore the firewall that
 * was there before Cordon. {@code dataplane.backend.Backends} picks the implementation (today only iptables with
 * ipset, {@code dataplane.iptables.IptablesDataplane}).
 *
 * <p>One instance drives one network stack (the host, or the namespace its command runner runs in) and remembers the
 * last {@link AppliedState}; implementations are thread-safe, so a VEN's sync loop and tamper loop may share one.
 * Typical use:
 * <pre>{@code
 * Dataplane dp = Backends.create(ProcessCommandRunner.inNamespace("ns1"));
 * AppliedState s = dp.apply(policy);          // throws ApplyException; the previous state stays in force
 * TamperReport r = dp.check();               // cheap: run it every second
 * if (r.tampered()) dp.repair();
 * dp.remove();
 * }</pre>
 */
public interface Dataplane {
    /** A tamper check lists every set member on one check out of this many (others compare set headers). */
    int FULL_CHECK_EVERY = 30;

    /** The backend's name, as {@link AppliedState#backend()} and {@link SavedFirewall#backend()} carry it. */
    String backend();

    /**
     * Watches the kernel's change notifications (nf_tables netlink events: native nftables and iptables-nft alike):
     * {@code onChange} runs on the watch's own thread soon after a change this dataplane did not make to a table that
     * may hold what Cordon owns (exclusive: any table), so the caller checks for tampering at once. Cordon's own
     * writes are recognised by the writing process and ignored. Changes the kernel does not announce (ipset, legacy
     * iptables) are found by the poll only. Returns {@link ChangeWatch#NONE} where nothing can be watched.
     */
    default ChangeWatch watch(Runnable onChange) {
        return ChangeWatch.NONE;
    }

    /**
     * What the other firewalls of this network stack make impossible about the applied coexistence state, as found by
     * the last apply or check (SPEC §6: said in the VEN's health, never silently weaker); empty when nothing is.
     */
    default java.util.List<CoexistenceIssue> coexistenceIssues() {
        return java.util.List.of();
    }

    /** Checks that the backend's tools run where this dataplane works; throws with what to install otherwise. */
    void preflight();

    /**
     * Applies the policy atomically and returns the applied snapshot (read back from the kernel). When stateless
     * rules changed since the previous policy, their conntrack entries are deleted. An {@code idle} policy removes
     * Cordon's state.
     *
     * @throws ApplyException when the kernel refuses a batch; it names the command, the refused input line and the
     *     tool's stderr; the previous state stays in force
     * @throws DataplaneException when the tools cannot be run at all (not installed, not root)
     */
    AppliedState apply(FirewallPolicy policy);

    /**
     * Compares the live kernel with the applied snapshot (SPEC §6); cheap enough for every second (set members are
     * listed in full on every {@value #FULL_CHECK_EVERY}th call). Nothing applied yet: an empty report.
     */
    TamperReport check();

    /** A check that also compares every member of every Cordon set. */
    TamperReport checkFull();

    /** Re-applies the current policy, restoring Cordon's state as it was applied. No-op when nothing is applied. */
    void repair();

    /** Takes Cordon's state away and forgets the snapshot; other tools' rules stay. */
    void remove();

    /** The last applied snapshot, if any. */
    Optional<AppliedState> current();

    /**
     * Goes on watching against {@code previous} (a snapshot persisted by an earlier run, or the one before a repair
     * whose read-back differed) instead of the current one.
     *
     * @throws IllegalArgumentException when another backend took the snapshot
     */
    void resume(AppliedState previous);

    /** The firewall as it is now, both families, to restore at unpair ({@code firewall_restore: saved}). */
    SavedFirewall saveFirewall();

    /** Removes Cordon and puts back exactly the firewall of {@code saved}. */
    void restoreFirewall(SavedFirewall saved);

    /** Removes Cordon and leaves the host open: the built-in filter hooks accept; other tools' rules stay. */
    void openFirewall();
}
