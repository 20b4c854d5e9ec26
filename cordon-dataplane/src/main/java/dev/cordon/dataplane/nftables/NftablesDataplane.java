package dev.cordon.dataplane.nftables;

import dev.cordon.dataplane.exec.Futures;
import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.ChangeWatch;
import dev.cordon.dataplane.CoexistenceIssue;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.SavedFirewall;
import dev.cordon.dataplane.TamperReport;
import dev.cordon.dataplane.conntrack.ConntrackFlusher;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.foreign.CoexistenceLimits;
import dev.cordon.dataplane.foreign.NativeTables;
import dev.cordon.dataplane.foreign.NftBaseChain;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.apply.Nft;
import dev.cordon.dataplane.nftables.apply.NftApplier;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.read.NftJson;
import dev.cordon.dataplane.nftables.read.NftNetlink;
import dev.cordon.dataplane.nftables.render.NftDesired;
import dev.cordon.dataplane.nftables.render.NftRenderer;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.dataplane.nftables.tamper.NftEventChanges;
import dev.cordon.dataplane.nftables.tamper.NftTamperDetector;
import dev.cordon.dataplane.watch.ChangeNotes;
import dev.cordon.dataplane.watch.NftChange;
import dev.cordon.dataplane.watch.OwnWrites;
import dev.cordon.dataplane.watch.Watches;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The native nftables backend: renders a {@link FirewallPolicy} to Cordon's tables {@code ip cordon} and
 * {@code ip6 cordon} ({@link NftRenderer}), applies every change as one {@code nft -f} transaction
 * ({@link NftApplier}), checks the live tables against the read-back {@link NftSnapshot} ({@link NftTamperDetector}),
 * and saves and restores the firewall before Cordon (iptables-nft tables with the iptables tools, native tables
 * with nft).
 *
 * <p>Exclusive: every other table (iptables-nft's and native ones, any family) is deleted in the same batch that
 * writes Cordon's, so no foreign base chain is traversed; a table that appears later is tampering, and repair deletes
 * it. The saved firewall holds them for unpair ({@code firewall_restore: saved}). Primary: Cordon's filter base chains
 * run first (priority {@value NftRenderer#FIRST_PRIORITY}); its drops are final and its accepts go on to the others.
 * Not primary: Cordon runs last ({@value NftRenderer#LAST_PRIORITY}) and judges only what iptables' filter chains
 * passed on ({@code PassMarkRules}); native tables of other tools are "both must allow".
 *
 * <p>Every method is synchronised on this instance.
 */
public final class NftablesDataplane implements Dataplane {
    private static final String PROBE = "add table ip cordon-probe\n"
            + "add set ip cordon-probe s { type ipv4_addr . inet_proto . inet_service; flags interval; elements = { 10.0.0.0/8 . tcp . 80 } }\n"
            + "add chain ip cordon-probe c { type filter hook input priority -5; policy accept; }\n"
            + "add rule ip cordon-probe c ip saddr . meta l4proto . th dport @s accept\n";
    /** Sets with at most this many elements in all are listed in full on every check (cheap at that size). */
    static final int SMALL = 2000;

    private final CommandRunner runner;
    private final OwnWrites own = new OwnWrites();
    private final Nft nft;
    private final NftApplier applier;
    private final NativeTables native_;
    /** Volatile: the change watch's thread reads it, without the lock, to tell which tables matter. */
    private volatile NftSnapshot current;
    private NftDesired desired;
    private long checks;
    /**
     * The last policy rendered and its batch. Rendering 10,000 peers takes longer than the batch itself (render: about
     * 600 ms, nft -f: 430 ms, quiet-ish): a repair, a re-apply after remove, or the same policy again reuse it.
     */
    private FirewallPolicy renderedPolicy;
    private NftDesired renderedDesired;
    /**
     * What foreign transactions changed since the last check, from the change watch's thread (which notes them before
     * it announces the change); null once notifications were lost. A check with notes and nothing else to do reads
     * Cordon's part from them ({@link NftEventChanges}) instead of listing the tables.
     */
    private final ChangeNotes notes = new ChangeNotes();
    /** What the last check found: what a repair right after it rewrites. */
    private List<Change> lastChanges = List.of();
    private volatile List<CoexistenceIssue> issues = List.of();

    public NftablesDataplane(CommandRunner runner) {
        this.runner = runner;
        this.nft = new Nft(runner.observed(own));
        this.applier = new NftApplier(nft, () -> NftNetlink.open(runner));
        this.native_ = applier.tables();
    }

    /**
     * True when {@code nft} runs where {@code runner} works and the kernel takes what this backend writes (an
     * interval set of a concatenation, checked with {@code nft -c}: nothing is committed).
     */
    public static boolean supported(CommandRunner runner) {
        CommandResult v = runner.run("nft", "-v");
        if (!v.ok() || !v.stdout().contains("nftables")) return false;
        return runner.run(List.of("nft", "-c", "-f", "-"), PROBE, Duration.ofSeconds(30)).ok();
    }

    @Override
    public String backend() {
        return NftSnapshot.BACKEND;
    }

    @Override
    public void preflight() {
        CommandRunner runner = nft.runner();
        CommandResult v = runner.run("nft", "-v");
        if (!v.ok()) {
            throw new DataplaneException("cannot run `nft -v` in " + runner.where() + ": " + v.stderr().strip()
                    + ". Install nftables (apt-get install -y nftables) and run the VEN as root, or choose"
                    + " --dataplane iptables.", v.commandLine(), v.stderr());
        }
        CommandResult p = runner.run(List.of("nft", "-c", "-f", "-"), PROBE, Duration.ofSeconds(30));
        if (!p.ok()) {
            throw new DataplaneException("the kernel in " + runner.where() + " does not take Cordon's nftables tables"
                    + " (interval sets of concatenations need Linux 5.6 or later): " + p.stderr().strip()
                    + ". Choose --dataplane iptables.", p.commandLine(), p.stderr());
        }
    }

    /**
     * nf_tables notifications of a change to Cordon's tables, and also to any table when exclusive, or to iptables'
     * filter table (the pass mark rules) when not primary. The commands of this dataplane are its own writes.
     */
    @Override
    public ChangeWatch watch(Runnable onChange) {
        return Watches.start(runner, own, this::concerns, notes::note, onChange);
    }

    private boolean concerns(NftTableId t) {
        NftSnapshot s = current;
        if (t.cordon()) return true;
        if (s == null) return false;
        if (s.policy().coexistence() == Coexistence.EXCLUSIVE) return true;
        return s.passMark() && t.iptablesNft() && t.name().equals("filter");
    }

    /** The exact batch {@code cordon policy compile --format nftables} prints. Pure. */
    public static String render(FirewallPolicy policy) {
        return NftRenderer.render(policy).text();
    }

    @Override
    public synchronized NftSnapshot apply(FirewallPolicy policy) {
        NftDesired next = rendered(policy);
        notes.drain(); // changes before this apply are the old state's: a whole batch replaces them, the poll sees the rest
        NftSnapshot snap = applier.apply(policy, next, desired);
        if (current != null) ConntrackFlusher.flush(nft.runner(), ConntrackFlusher.commands(current.policy(), policy));
        current = snap;
        desired = next;
        checks = 0;
        lastChanges = List.of();
        issues = limits(snap, null);
        return snap;
    }

    private NftDesired rendered(FirewallPolicy policy) {
        if (renderedDesired == null || !(policy == renderedPolicy || policy.equals(renderedPolicy))) {
            renderedDesired = NftRenderer.render(policy);
            renderedPolicy = policy;
        }
        return renderedDesired;
    }

    @Override
    public List<CoexistenceIssue> coexistenceIssues() {
        return issues;
    }

    /** The coexistence issues of the applied state, from the tables listed (or listed now when null). */
    private List<CoexistenceIssue> limits(NftSnapshot s, List<NftTableId> tables) {
        if (s == null || s.tables().isEmpty() || !native_.available()) return List.of();
        Coexistence c = s.policy().coexistence();
        List<NftTableId> all = tables != null ? tables : c == Coexistence.EXCLUSIVE ? applier.liveTables() : List.of();
        List<NftBaseChain> chains = c == Coexistence.EXCLUSIVE ? List.of() : native_.baseChains();
        return CoexistenceLimits.of(c, NftRenderer.FIRST_PRIORITY, all, chains);
    }

    /** Which batch the last apply sent ("incremental", "full", "full after incremental failed"). */
    public String lastApplyMode() {
        return applier.lastMode();
    }

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
        NftSnapshot applied = current;
        // a snapshot still in rendered form is compared once with a full listing, which then stands for it
        boolean pending = applied.rendered();
        boolean listAll = full || pending || elements(current) <= SMALL;
        // after change notifications (and nothing lost), Cordon's part is read from them: the detect-and-repair path.
        // A poll (no notes), a full check or a snapshot not yet listed lists the tables.
        List<NftChange> seen = notes.drain();
        boolean fromNotes = !full && !pending && seen != null && !seen.isEmpty();
        // the other tables (exclusive) or base chains (coexistence) are listed beside Cordon's own, not after them:
        // a check after a change notification is on the detect-and-repair path
        boolean exclusive = current.policy().coexistence() == Coexistence.EXCLUSIVE && !current.tables().isEmpty();
        CompletableFuture<List<NftTableId>> others = exclusive ? CompletableFuture.supplyAsync(applier::liveTables) : null;
        // (the base chains are a coexistence issue, not tampering: the notes path leaves them to the next poll)
        CompletableFuture<List<NftBaseChain>> hooks = !fromNotes && !exclusive && !current.tables().isEmpty()
                && native_.available() ? CompletableFuture.supplyAsync(native_::baseChains) : null;
        long before = pending ? applier.generation() : -1;
        Map<Family, Optional<LiveTable>> live = fromNotes ? Map.of() : nft.readAll(!listAll);
        List<Change> changes;
        if (fromNotes) {
            changes = new ArrayList<>(NftEventChanges.of(applied, seen));
        } else if (pending) {
            long after = applier.generation();
            long trusted = applier.trustedGeneration();
            // the generation has not moved since the batch that was the only transaction: the listing is the batch
            boolean untouched = trusted >= 0 && before == trusted && after == trusted;
            if (untouched) {
                changes = new ArrayList<>();
                current = applied.adopted(kernelTables(applied, live));
            } else {
                // Another transaction ran since Cordon's batch (Docker, an administrator, a resumed snapshot). What
                // the listing shows changed is reported; but a comparison by structure cannot see a change that
                // keeps every count (a rule swapped for another), so the listing is not adopted: Cordon's tables
                // are written whole again in one transaction and listed right after it, and only a listing with no
                // transaction between the two stands for the snapshot (else the next check does this again).
                changes = new ArrayList<>(NftTamperDetector.compareRendered(applied, live));
                NftDesired whole = desired != null ? desired : rendered(applied.policy());
                desired = whole;
                NftSnapshot rewritten = applier.apply(applied.policy(), whole, null);
                current = rewritten;
                if (rewritten.rendered()) {
                    long g0 = applier.generation();
                    Map<Family, Optional<LiveTable>> relisted = nft.readAll(!listAll);
                    long g1 = applier.generation();
                    long t = applier.trustedGeneration();
                    if (t >= 0 && g0 == t && g1 == t) current = rewritten.adopted(kernelTables(rewritten, relisted));
                }
            }
        } else {
            changes = new ArrayList<>(NftTamperDetector.compare(applied, live));
        }
        if (others != null) {
            List<NftTableId> tables = Futures.join(others);
            changes.addAll(NftTamperDetector.foreignTables(tables));
            issues = CoexistenceLimits.of(Coexistence.EXCLUSIVE, NftRenderer.FIRST_PRIORITY, tables, List.of());
        } else if (hooks != null) {
            issues = CoexistenceLimits.of(current.policy().coexistence(), NftRenderer.FIRST_PRIORITY, List.of(), Futures.join(hooks));
        } else if (!fromNotes) {
            issues = List.of();
        }
        boolean passMarkTouched = !fromNotes || seen.stream().anyMatch(n -> n.table().iptablesNft());
        if (current.passMark() && passMarkTouched) changes.addAll(applier.passMark().check());
        lastChanges = List.copyOf(changes);
        return new TamperReport(changes, listAll && !fromNotes, System.nanoTime() - t0);
    }

    private static Map<Family, LiveTable> kernelTables(NftSnapshot applied, Map<Family, Optional<LiveTable>> live) {
        Map<Family, LiveTable> out = new EnumMap<>(Family.class);
        for (Family f : applied.tables().keySet()) live.getOrDefault(f, Optional.empty()).ifPresent(t -> out.put(f, t));
        return out;
    }

    private static long elements(NftSnapshot s) {
        long n = 0;
        for (LiveTable t : s.tables().values()) {
            for (LiveTable.Set set : t.sets().values()) n += set.elements() == null ? 0 : set.elements().size();
        }
        return n;
    }

    /**
     * Puts back what the last check found changed. When that was only chains and sets of Cordon's tables (and, when
     * exclusive, foreign tables), one small batch rewrites just those from the applied state ({@link
     * NftApplier#rewrite}); anything else (a deleted table, the pass mark rules, a snapshot not yet compared with the
     * kernel), or a rewrite the kernel refuses, replaces Cordon's tables whole.
     */
    @Override
    public synchronized void repair() {
        if (current == null) return;
        // desired is always the rendering of current.policy(): no need to render again (seconds at 100k peers)
        NftDesired next = desired != null ? desired : rendered(current.policy());
        desired = next;
        List<Change> found = lastChanges;
        lastChanges = List.of();
        if (!found.isEmpty() && targeted(found, next)) return;
        current = applier.apply(current.policy(), next, null);
    }

    private boolean targeted(List<Change> found, NftDesired next) {
        Map<Family, Set<String>> chains = new EnumMap<>(Family.class);
        Map<Family, Set<String>> sets = new EnumMap<>(Family.class);
        StringBuilder deletions = new StringBuilder();
        for (Change c : found) {
            if (c.kind() == ChangeKind.FOREIGN_CHAIN && c.table().startsWith("nft ") && c.chain().isEmpty()) {
                deletions.append("delete table ").append(c.table().substring(4)).append('\n');
                continue;
            }
            if (!c.table().equals(NftTableId.CORDON) || "table deleted".equals(c.rule())) return false;
            var table = next.table(c.family());
            if (table.isEmpty()) return false;
            switch (c.kind()) {
                case RULE_ADDED, RULE_DELETED, RULE_REORDERED, CHAIN_FLUSHED, CHAIN_DELETED, POLICY_CHANGED -> {
                    if (table.get().chains().stream().noneMatch(x -> x.name().equals(c.chain()))) return false;
                    chains.computeIfAbsent(c.family(), k -> new HashSet<>()).add(c.chain());
                }
                case SET_MEMBER_ADDED, SET_MEMBER_REMOVED, SET_MISSING -> {
                    if (table.get().sets().stream().noneMatch(x -> x.name().equals(c.chain()))) return false;
                    sets.computeIfAbsent(c.family(), k -> new HashSet<>()).add(c.chain());
                }
                default -> {
                    return false;
                }
            }
        }
        return applier.rewrite(next, chains, sets, deletions.toString());
    }

    @Override
    public synchronized void remove() {
        if (!native_.available()) {
            throw new DataplaneException("cannot run `nft -v` in " + nft.runner().where()
                    + ": install nftables (apt-get install -y nftables), or use --dataplane iptables");
        }
        applier.remove();
        current = null;
        desired = null;
        issues = List.of();
    }

    @Override
    public synchronized Optional<AppliedState> current() {
        return Optional.ofNullable(current);
    }

    @Override
    public synchronized void resume(AppliedState previous) {
        if (!(previous instanceof NftSnapshot s)) {
            throw new IllegalArgumentException("the applied snapshot was taken by the " + previous.backend()
                    + " backend; the nftables backend cannot watch it: apply the policy again");
        }
        current = s;
        desired = null;
        checks = 0;
        lastChanges = List.of();
        applier.distrust(); // the last batch of this process is not what that snapshot describes
    }

    /** iptables-nft's tables (with the iptables tools, when installed) and every native table but Cordon's. */
    @Override
    public SavedFirewall saveFirewall() {
        List<NftTableId> others = native_.nativeForeign();
        return new SavedFirewall(backend(), iptablesSave(Family.V4), iptablesSave(Family.V6), native_.save(others));
    }

    private String iptablesSave(Family f) {
        CommandResult r = nft.runner().run(List.of(f == Family.V4 ? "iptables-save" : "ip6tables-save"), "", Duration.ofSeconds(30));
        return r.ok() ? r.stdout() : "";
    }

    @Override
    public synchronized void restoreFirewall(SavedFirewall saved) {
        if (!saved.backend().equals(backend()) && !saved.backend().equals("iptables")) {
            throw new DataplaneException("the firewall was saved by the " + saved.backend() + " backend; the nftables"
                    + " backend cannot restore it: unpair with firewall_restore default instead");
        }
        remove();
        for (Family f : Family.values()) {
            String text = f == Family.V4 ? saved.ipv4() : saved.ipv6();
            if (text.isBlank()) continue;
            String tool = f == Family.V4 ? "iptables-restore" : "ip6tables-restore";
            CommandResult r = nft.runner().run(List.of(tool, "-w"), text, Duration.ofSeconds(120));
            if (!r.ok()) throw new DataplaneException("`" + r.commandLine() + "` failed in " + nft.runner().where() + ": "
                    + r.stderr().strip(), r.commandLine(), r.stderr());
        }
        String script = NativeTables.deletions(native_.nativeForeign()) + saved.nftables();
        if (!script.isBlank()) {
            CommandResult r = native_.batch(script);
            if (!r.ok()) throw new DataplaneException("restoring the saved nftables tables in " + nft.runner().where()
                    + " failed: " + r.stderr().strip(), r.commandLine(), r.stderr());
        }
    }

    /** Removes Cordon; iptables' built-in filter chains and other tables' filter base chains accept by policy. */
    @Override
    public synchronized void openFirewall() {
        remove();
        String accept = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
        for (String tool : List.of("iptables-restore", "ip6tables-restore")) {
            nft.runner().run(List.of(tool, "-w", "--noflush"), accept, Duration.ofSeconds(60));
        }
        StringBuilder sb = new StringBuilder();
        for (NftTableId t : native_.nativeForeign()) {
            CommandResult r = nft.runner().run(List.of("nft", "-j", "list", "table", t.family(), t.name()), "", Duration.ofSeconds(30));
            if (!r.ok()) continue;
            NftJson.parse(r.stdout()).chains().forEach((name, c) -> {
                if (c.hook() != null && "drop".equals(c.policy())) {
                    sb.append("chain ").append(t.spec()).append(' ').append(name).append(" { type ").append(c.type())
                            .append(" hook ").append(c.hook()).append(" priority ").append(c.prio())
                            .append("; policy accept; }\n");
                }
            });
        }
        if (sb.length() > 0) {
            CommandResult r = native_.batch(sb.toString());
            if (!r.ok()) throw new DataplaneException("opening the other nftables tables in " + nft.runner().where()
                    + " failed: " + r.stderr().strip(), r.commandLine(), r.stderr());
        }
    }
}
