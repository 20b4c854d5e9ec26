package dev.cordon.ven.enforce;

import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.List;
import java.util.Optional;

/**
 * The agent's seam to the host firewall. The agent decides <em>what</em> should be in force; an enforcer makes the
 * kernel match it, all or nothing, and reports how the kernel differs from what it applied. The production
 * implementation is {@link DataplaneEnforcer}; unit tests use a fake, so the agent's loop runs without root.
 *
 * <p>Contract: {@link #apply} either succeeds and returns the snapshot read back from the kernel, or throws
 * {@link dev.cordon.dataplane.DataplaneException} with the previous state still in force. {@link #check} compares the live kernel with
 * the last snapshot (never with the rendered input); {@link #repair} re-applies the last applied policy.
 */
public interface Enforcer {
    /** The dataplane backend this enforcer applies with (e.g. {@code iptables}), as the VEN reports it to the PCE. */
    String backend();

    /** Applies {@code policy} atomically (per table). */
    AppliedSnapshot apply(FirewallPolicy policy);

    /** The last applied snapshot, if any. */
    Optional<AppliedSnapshot> current();

    /** Differences between the live kernel and the last snapshot (empty: untouched, or nothing applied). */
    List<TamperChange> check();

    /**
     * Calls {@code onChange} soon after someone else changes the firewall where Cordon's state lives (the kernel's
     * change notifications), until the returned watch is closed; a no-op watch where none can be had (the tamper
     * poll alone then finds changes).
     */
    default AutoCloseable watch(Runnable onChange) {
        return () -> {};
    }

    /**
     * Health entries for what the other firewalls make impossible about the applied coexistence state (SPEC §6),
     * as the last apply or check found it; empty when nothing is.
     */
    default List<dev.cordon.protocol.Health> coexistenceHealth() {
        return List.of();
    }

    /** Restores the last applied state; throws {@link dev.cordon.dataplane.DataplaneException} when the kernel refuses. */
    AppliedSnapshot repair();

    /** Takes Cordon's chains, jumps and ipsets away; other tools' rules stay. */
    void remove();

    /** The firewall as it is now, both families, to restore at unpair ({@code firewall_restore: saved}). */
    SavedFirewall save();

    /** Removes Cordon and puts back exactly the tables of {@code saved}. */
    void restore(SavedFirewall saved);

    /** Removes Cordon and leaves the host open: built-in chains of the filter table accept; other rules stay. */
    void open();
}
