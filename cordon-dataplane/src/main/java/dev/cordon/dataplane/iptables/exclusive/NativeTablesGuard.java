package dev.cordon.dataplane.iptables.exclusive;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.CoexistenceIssue;
import dev.cordon.dataplane.foreign.CoexistenceLimits;
import dev.cordon.dataplane.foreign.NativeTables;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Exclusive mode of the iptables backend against native nftables tables, which {@code iptables-save} never shows
 * (nftables.service, firewalld's nftables backend, an administrator's {@code table inet distro}): their base chains
 * are traversed beside iptables-nft's, and a drop there beats Cordon's allow. When exclusive, every native table
 * that is neither iptables-nft's nor Cordon's is deleted after each apply (one {@code nft -f} batch), a native table
 * that appears later is tampering, and the saved firewall holds their text so unpair with {@code saved} brings them
 * back. Without {@code nft} installed there is nothing this guard can see (or that a tool of this host wrote).
 */
public final class NativeTablesGuard {
    private final NativeTables tables;

    public NativeTablesGuard(CommandRunner runner) {
        this.tables = new NativeTables(runner);
    }

    private static boolean exclusive(FirewallPolicy p) {
        return p.coexistence() == Coexistence.EXCLUSIVE && p.enforcementMode() != dev.cordon.policy.model.EnforcementMode.IDLE;
    }

    /** After an apply: exclusive deletes the native foreign tables. */
    public void enforce(FirewallPolicy policy) {
        if (!exclusive(policy)) return;
        List<NftTableId> foreign = deletable();
        if (foreign.isEmpty()) return;
        String script = NativeTables.deletions(foreign);
        CommandResult r = tables.batch(script);
        if (!r.ok()) {
            throw new DataplaneException("exclusive: cannot set aside the native nftables tables " + foreign + " in "
                    + tables.runner().where() + ": " + r.stderr().strip() + " (a table owned by a running firewall,"
                    + " e.g. firewalld's, cannot be touched: stop that firewall, or use coexistence)", r.commandLine(),
                    r.stderr());
        }
    }

    /** Exclusive: each native foreign table is a change. */
    public List<Change> check(FirewallPolicy policy) {
        List<Change> out = new ArrayList<>();
        if (!exclusive(policy)) return out;
        for (NftTableId t : deletable()) {
            out.add(new Change(t.ipFamily(), "nft " + t.spec(), "", "foreign nftables table", ChangeKind.FOREIGN_CHAIN));
        }
        return out;
    }

    /**
     * The native foreign tables exclusive mode sets aside: not those owned by another process, which nobody else may
     * delete (the VEN's health says exclusive is impossible instead, {@link #issues}).
     */
    private List<NftTableId> deletable() {
        return tables.nativeForeign().stream().filter(t -> !t.owned()).toList();
    }

    /**
     * What native tables make impossible about the policy's coexistence state; Cordon's filter decision runs in
     * iptables' filter chains, priority 0.
     */
    public List<CoexistenceIssue> issues(FirewallPolicy policy) {
        if (!tables.available() || policy.enforcementMode() == dev.cordon.policy.model.EnforcementMode.IDLE) return List.of();
        Coexistence c = policy.coexistence();
        return CoexistenceLimits.of(c, 0, c == Coexistence.EXCLUSIVE ? tables.list() : List.of(),
                c == Coexistence.EXCLUSIVE ? List.of() : tables.baseChains());
    }

    /** The native foreign tables' text, for the saved firewall. */
    public String save() {
        return tables.save(tables.nativeForeign());
    }

    /** Replaces the native foreign tables with the saved ones, in one batch. */
    public void restore(String saved) {
        if (!tables.available()) return;
        String script = NativeTables.deletions(tables.nativeForeign()) + saved;
        if (script.isBlank()) return;
        CommandResult r = tables.batch(script);
        if (!r.ok()) {
            throw new DataplaneException("restoring the saved nftables tables in " + tables.runner().where()
                    + " failed: " + r.stderr().strip(), r.commandLine(), r.stderr());
        }
    }
}
