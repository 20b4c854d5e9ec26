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

    /**
     * After an apply: exclusive deletes the native foreign tables; returns what {@link #inspect} would find right
     * after, from the same listing (one {@code nft} process instead of two).
     */
    public Inspection enforce(FirewallPolicy policy) {
        if (!exclusive(policy)) return inspect(policy);
        if (!tables.available()) return new Inspection(List.of(), List.of());
        List<NftTableId> all = tables.list();
        List<NftTableId> foreign = all.stream().filter(t -> t.nativeForeign() && !t.owned()).toList();
        if (foreign.isEmpty()) return inspection(policy.coexistence(), all);
        String script = NativeTables.deletions(foreign);
        CommandResult r = tables.batch(script);
        if (!r.ok()) {
            throw new DataplaneException("exclusive: cannot set aside the native nftables tables " + foreign + " in "
                    + tables.runner().where() + ": " + r.stderr().strip() + " (a table owned by a running firewall,"
                    + " e.g. firewalld's, cannot be touched: stop that firewall, or use coexistence)", r.commandLine(),
                    r.stderr());
        }
        return inspection(policy.coexistence(), all.stream().filter(t -> !foreign.contains(t)).toList());
    }

    /** What one look at the other tables found: changes (exclusive: each native foreign table) and issues. */
    public record Inspection(List<Change> changes, List<CoexistenceIssue> issues) {}

    /**
     * Exclusive: each native foreign table Cordon may delete is a change, one owned by another process an issue;
     * coexistence: the issues of the other tables' base chains. One {@code nft} listing either way.
     */
    public Inspection inspect(FirewallPolicy policy) {
        if (!tables.available() || policy.enforcementMode() == dev.cordon.policy.model.EnforcementMode.IDLE) {
            return new Inspection(List.of(), List.of());
        }
        Coexistence c = policy.coexistence();
        if (c != Coexistence.EXCLUSIVE) {
            return new Inspection(List.of(), CoexistenceLimits.of(c, 0, List.of(), tables.baseChains()));
        }
        return inspection(c, tables.list());
    }

    /** Exclusive: the inspection of one listing of every table. */
    private static Inspection inspection(Coexistence c, List<NftTableId> all) {
        List<Change> out = new ArrayList<>();
        for (NftTableId t : all) {
            if (!t.nativeForeign() || t.owned()) continue;
            out.add(new Change(t.ipFamily(), "nft " + t.spec(), "", "foreign nftables table", ChangeKind.FOREIGN_CHAIN));
        }
        return new Inspection(out, CoexistenceLimits.of(c, 0, all, List.of()));
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
