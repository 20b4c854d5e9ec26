package dev.cordon.dataplane.iptables;

import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.conntrack.ConntrackFlusher;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.iptables.apply.Applier;
import dev.cordon.dataplane.iptables.apply.IptablesVariant;
import dev.cordon.dataplane.iptables.apply.Kernel;
import dev.cordon.dataplane.iptables.exclusive.NativeTablesGuard;
import dev.cordon.dataplane.iptables.render.DesiredState;
import dev.cordon.dataplane.iptables.render.IptablesRenderer;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.dataplane.iptables.tamper.ChainRepair;
import dev.cordon.dataplane.iptables.tamper.IptablesEventChanges;
import dev.cordon.dataplane.iptables.tamper.TamperDetector;
import dev.cordon.dataplane.watch.ChangeNotes;
import dev.cordon.dataplane.watch.NftChange;
import dev.cordon.dataplane.watch.OwnWrites;
import dev.cordon.dataplane.watch.Watches;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The iptables backend: renders a {@link FirewallPolicy} to ipset + iptables-restore text
 * ({@link IptablesRenderer}), applies it atomically ({@link Applier}), checks it against the read-back
 * {@link IptablesSnapshot} ({@link TamperDetector}), and saves and restores the whole firewall with
 * {@code iptables-save}/{@code iptables-restore}. Works with both iptables variants (nf_tables and legacy).
 *
 * <p>Holds the last applied snapshot; every method is synchronised on this instance, so a VEN's sync loop and tamper
 * loop may share it.
 */
public final class IptablesDataplane implements Dataplane {
    private final CommandRunner runner;
    private final OwnWrites own = new OwnWrites();
    private final Kernel kernel;
    private final Applier applier;
    private final NativeTablesGuard nativeTables;
    /** Volatile: the change watch's thread reads it, without the lock, to tell which tables matter. */
    private volatile IptablesSnapshot current;
    private long checks;
    /** Foreign changes noted by the change watch since the last check. */
    private final ChangeNotes notes = new ChangeNotes();

    /** What the last check found: what a repair right after it restores. */
    private List<Change> lastChanges = List.of();
    private volatile List<dev.cordon.dataplane.CoexistenceIssue> issues = List.of();
    /** The last policy rendered and its rendering ({@link #desired}). */
    private FirewallPolicy renderedFor;
    private DesiredState rendered;

    public IptablesDataplane(CommandRunner runner) {
        this.runner = runner;
        CommandRunner observed = runner.observed(own);
        this.kernel = new Kernel(observed);
        this.applier = new Applier(kernel);
        this.nativeTables = new NativeTablesGuard(observed);
    }

    /**
     * nf_tables notifications (iptables-nft writes through nf_tables) of a change to iptables' tables, and also to
     * any native table when exclusive. Legacy iptables and ipset announce nothing: the poll finds those changes.
     */
    @Override
    public ChangeWatch watch(Runnable onChange) {
        return Watches.start(runner, own, this::concerns, notes::note, onChange);
    }

    private boolean concerns(NftTableId t) {
        IptablesSnapshot s = current;
        if (s == null) return false;
        if (s.policy().coexistence() == dev.cordon.policy.compile.Coexistence.EXCLUSIVE) return true;
        return t.iptablesNft() && (t.family().equals("ip") || t.family().equals("ip6"));
    }

    @Override
    public String backend() {
        return IptablesSnapshot.BACKEND;
    }

    @Override
    public void preflight() {
        variant();
        CommandRunner runner = kernel.runner();
        for (String[] tool : new String[][] {{"ipset", "-v"}, {"ip6tables", "-V"}, {"iptables-save", "-V"}}) {
            CommandResult r = runner.run(tool);
            if (!r.ok()) {
                throw new DataplaneException("cannot run `" + String.join(" ", tool) + "` in " + runner.where() + ": "
                        + r.stderr().strip() + ". Install iptables and ipset (apt-get install -y iptables ipset"
                        + " conntrack) and run the VEN as root.", r.commandLine(), r.stderr());
            }
        }
    }

    /**
     * The exact text {@code cordon policy compile --format iptables} prints: the {@code ipset restore} part, then
     * each table for IPv4, then for IPv6, each section headed by a comment naming its command. Pure.
     */
    public static String render(FirewallPolicy policy) {
        return IptablesRenderer.render(policy).text();
    }

    @Override
    public synchronized IptablesSnapshot apply(FirewallPolicy policy) {
        notes.drain(); // changes before this apply are the old state's
        IptablesSnapshot next = write(policy);
        if (current != null) {
            ConntrackFlusher.flush(kernel.runner(), ConntrackFlusher.commands(current.policy(), policy));
        }
        current = next;
        checks = 0;
        lastChanges = List.of();
        return next;
    }

    /**
     * Writes the policy and reads the tables back; exclusive mode's set-aside of native tables and the look at the
     * other tables (one {@code nft} listing) run beside the read-back, which they do not touch.
     */
    private IptablesSnapshot write(FirewallPolicy policy) {
        java.util.concurrent.atomic.AtomicReference<NativeTablesGuard.Inspection> seen = new java.util.concurrent.atomic.AtomicReference<>();
        IptablesSnapshot next = applier.apply(policy, desired(policy), () -> seen.set(nativeTables.enforce(policy)));
        issues = seen.get().issues();
        return next;
    }

    /**
     * The rendered state of {@code policy}: the last one again when the policy is the same (a re-apply, a repair, an
     * apply after remove), as the nftables backend keeps its last batch; rendering 10,000 rules costs about a fifth
     * of their apply.
     */
    private DesiredState desired(FirewallPolicy policy) {
        if (rendered == null || !(renderedFor == policy || renderedFor.equals(policy))) {
            rendered = IptablesRenderer.render(policy);
            renderedFor = policy;
        }
        return rendered;
    }

    @Override
    public List<dev.cordon.dataplane.CoexistenceIssue> coexistenceIssues() {
        return issues;
    }

    /**
     * Reads both families' tables and the ipset headers in parallel; lists set members only for sets whose size
     * changed, and for all sets on every {@value #FULL_CHECK_EVERY}th call.
     */
    @Override
    public synchronized TamperReport check() {
        return check(++checks % FULL_CHECK_EVERY == 0);
    }

    @Override
    public synchronized TamperReport checkFull() {
        return check(true);
    }

    private TamperReport check(boolean full) {
        long t0 = System.nanoTime();
        if (current == null) return new TamperReport(List.of(), full, 0);
        IptablesSnapshot applied = current;
        // after change notifications that named only rules of Cordon's own chains, those are the changes: no listing
        // (the detect-and-repair path); anything else, a poll or a full check reads the tables
        List<NftChange> noted = notes.drain();
        if (!full && noted != null && !noted.isEmpty()) {
            Optional<List<Change>> fromNotes = IptablesEventChanges.of(applied, noted);
            if (fromNotes.isPresent()) {
                lastChanges = List.copyOf(fromNotes.get());
                return new TamperReport(fromNotes.get(), false, System.nanoTime() - t0);
            }
        }
        // the other nft tables are looked at beside the tables, not after them (the detect-and-repair path)
        java.util.concurrent.CompletableFuture<NativeTablesGuard.Inspection> others =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> nativeTables.inspect(applied.policy()));
        Kernel.Live live = kernel.read();
        List<Change> changes = new ArrayList<>(TamperDetector.compareTables(current, live.tables()));
        List<String> need = TamperDetector.setsNeedingMembers(current, live.sets(), full);
        Map<String, List<String>> members = need.isEmpty() ? Map.of() : kernel.members(need);
        changes.addAll(TamperDetector.compareSets(current, live.sets(), members));
        NativeTablesGuard.Inspection seen;
        try {
            seen = others.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
        changes.addAll(seen.changes());
        issues = seen.issues();
        lastChanges = List.copyOf(changes);
        return new TamperReport(changes, full, System.nanoTime() - t0);
    }

    /**
     * Puts back what the last check found changed: only the tampered Cordon chains and set members when that is all
     * it found ({@link ChainRepair}), else the whole policy again.
     */
    @Override
    public synchronized void repair() {
        if (current == null) return;
        List<Change> found = lastChanges;
        lastChanges = List.of();
        if (targeted(found)) return;
        current = write(current.policy());
    }

    private boolean targeted(List<Change> found) {
        Optional<ChainRepair.Plan> plan = ChainRepair.plan(current, found);
        if (plan.isEmpty()) return false;
        if (!plan.get().ipset().isEmpty() && !kernel.ipsetRestore(plan.get().ipset()).ok()) return false;
        for (Map.Entry<Family, List<String>> e : plan.get().restores().entrySet()) {
            for (String text : e.getValue()) {
                if (!kernel.restore(e.getKey(), text, true).ok()) return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void remove() {
        applier.remove();
        current = null;
        issues = List.of();
    }

    @Override
    public synchronized Optional<AppliedState> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public synchronized void resume(AppliedState previous) {
        if (!(previous instanceof IptablesSnapshot s)) {
            throw new IllegalArgumentException("the applied snapshot was taken by the " + previous.backend()
                    + " backend; the iptables backend cannot watch it: apply the policy again");
        }
        current = s;
        checks = 0;
        lastChanges = List.of();
    }

    @Override
    public SavedFirewall saveFirewall() {
        return new SavedFirewall(backend(), kernel.saveText(Family.V4), kernel.saveText(Family.V6), nativeTables.save());
    }

    @Override
    public synchronized void restoreFirewall(SavedFirewall saved) {
        // both backends save the same three texts (iptables-save per family, native nft tables)
        if (!saved.backend().equals(backend()) && !saved.backend().equals("nftables")) {
            throw new DataplaneException("the firewall was saved by the " + saved.backend() + " backend; the iptables"
                    + " backend cannot restore it: unpair with firewall_restore default instead");
        }
        remove();
        if (!saved.ipv4().isBlank()) restore(Family.V4, saved.ipv4(), false);
        if (!saved.ipv6().isBlank()) restore(Family.V6, saved.ipv6(), false);
        nativeTables.restore(saved.nftables());
    }

    @Override
    public synchronized void openFirewall() {
        remove();
        String accept = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
        // --noflush: only the built-in policies change, other tools' rules stay.
        restore(Family.V4, accept, true);
        restore(Family.V6, accept, true);
    }

    private void restore(Family f, String text, boolean noflush) {
        CommandResult r = kernel.restore(f, text, noflush);
        if (!r.ok()) {
            throw new DataplaneException("`" + r.commandLine() + "` failed in " + kernel.runner().where() + ": "
                    + r.stderr().strip(), r.commandLine(), r.stderr());
        }
    }

    /** Which iptables variant the host or namespace runs ({@code iptables -V}). */
    public IptablesVariant variant() {
        return kernel.variant();
    }
}
