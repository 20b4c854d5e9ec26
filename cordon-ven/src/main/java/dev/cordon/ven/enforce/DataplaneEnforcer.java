package dev.cordon.ven.enforce;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.backend.Backends;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Enforcer} over the {@link Dataplane} interface: rendering, atomic apply with rollback, read-back, tamper
 * classification, repair and saving and restoring the firewall all live in the dataplane backend; this adapter only
 * turns the dataplane's values into the agent's ({@link AppliedSnapshot}, {@link TamperChange}) and keeps a repair
 * from hiding a change made while it ran (see {@link #repair()}). It knows no firewall tool.
 */
public final class DataplaneEnforcer implements Enforcer {
    private final Dataplane dataplane;

    public DataplaneEnforcer(Dataplane dataplane) {
        this.dataplane = dataplane;
    }

    /** The dataplane backend's name ("iptables", "nftables"), as applied snapshots report it to the PCE. */
    @Override
    public String backend() {
        return dataplane.backend();
    }

    /** Checks that the firewall tools run where this enforcer works (fails with what to install otherwise). */
    public void preflight() {
        dataplane.preflight();
    }

    @Override
    public synchronized AppliedSnapshot apply(FirewallPolicy policy) {
        return snapshot(dataplane.apply(policy));
    }

    @Override
    public synchronized Optional<AppliedSnapshot> current() {
        return dataplane.current().map(DataplaneEnforcer::snapshot);
    }

    @Override
    public synchronized List<TamperChange> check() {
        return dataplane.check().changes().stream().map(DataplaneEnforcer::change).toList();
    }

    @Override
    public List<dev.cordon.protocol.Health> coexistenceHealth() {
        return dataplane.coexistenceIssues().stream()
                .map(i -> new dev.cordon.protocol.Health(i.type(), i.severity(), i.message())).toList();
    }

    @Override
    public AutoCloseable watch(Runnable onChange) {
        return dataplane.watch(onChange);
    }

    /**
     * Re-applies the snapshot's policy. The dataplane reads the tables back after the last table is written, so a
     * change someone makes between that write and the read-back would become part of the new snapshot and never be
     * seen again. A repair applies the same policy, so its read-back must equal the previous snapshot in what Cordon
     * owns; when it does not, the dataplane goes on watching against the previous snapshot (and the difference is
     * found by the next check), while the returned snapshot shows the agent what was read.
     */
    @Override
    public synchronized AppliedSnapshot repair() {
        AppliedState previous = dataplane.current().orElse(null);
        dataplane.repair();
        AppliedSnapshot read = dataplane.current().map(DataplaneEnforcer::snapshot)
                .orElseThrow(() -> new DataplaneException("nothing was applied, so nothing can be repaired"));
        if (previous != null && !read.owned().equals(previous.owned())) dataplane.resume(previous);
        return read;
    }

    @Override
    public synchronized void remove() {
        dataplane.remove();
    }

    @Override
    public SavedFirewall save() {
        return dataplane.saveFirewall();
    }

    @Override
    public void restore(SavedFirewall saved) {
        dataplane.restoreFirewall(saved);
    }

    @Override
    public void open() {
        dataplane.openFirewall();
    }

    static TamperChange change(Change c) {
        return new TamperChange(c.family().display(), c.table(), c.chain(), c.rule(),
                c.kind().name().toLowerCase(Locale.ROOT));
    }

    static AppliedSnapshot snapshot(AppliedState s) {
        return new AppliedSnapshot(s.backend(), s.policy().hash(), s.policy().coexistence().wire(), Backends.toJson(s),
                s.owned());
    }
}
