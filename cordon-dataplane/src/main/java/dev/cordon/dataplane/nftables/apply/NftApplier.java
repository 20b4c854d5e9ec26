package dev.cordon.dataplane.nftables.apply;

import dev.cordon.dataplane.ApplyException;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.foreign.NativeTables;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.read.NftNetlink;
import dev.cordon.dataplane.nftables.render.NftChain;
import dev.cordon.dataplane.nftables.render.NftSet;
import dev.cordon.dataplane.nftables.render.NftTable;
import dev.cordon.dataplane.nftables.render.NftDesired;
import dev.cordon.dataplane.nftables.render.NftScript;
import dev.cordon.dataplane.nftables.snapshot.NftSnapshot;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the kernel to an {@link NftDesired} in one {@code nft -f} transaction: both families' tables, every set and
 * chain, and (exclusive) the deletion of every foreign table, all old or all new.
 *
 * <ol>
 *   <li>custom iptables statements are refused before anything changes;</li>
 *   <li>not primary: the pass mark rules are set first (iptables-nft, {@link PassMarkRules});</li>
 *   <li>the batch: incremental from the previous state when the base chains are the same, else whole-table; an
 *       incremental batch the kernel refuses (the kernel was not what the previous state said) is followed by the
 *       whole-table batch, which replaces whatever is there;</li>
 *   <li>pass mark rules no longer needed are taken away; the snapshot: when the ruleset generation moved by exactly
 *       one across the batch (no other transaction ran), the rendered batch itself ({@link NftSnapshot#rendered}),
 *       else the tables read back.</li>
 * </ol>
 *
 * <p>Profiled at 1,000 rules / 10,000 peers (nft 1.0.6): the batch is about 430 ms; {@code nft -j list table} with
 * every element about 400 ms, and nft fetches every element for {@code -t}, {@code list chain} and even {@code list
 * tables} too (about 120 ms each); a process spawn alone about 10 ms. So the hot path is one {@code nft -f} and two
 * netlink questions ({@link NftNetlink}): the generation, and (exclusive) the tables to delete.
 */
public final class NftApplier {
    private static final Logger log = LoggerFactory.getLogger(NftApplier.class);
    private static final Pattern LINE = Pattern.compile("stdin:(\\d+):");
    private final Nft nft;
    private final NativeTables tables;
    private final PassMarkRules passMark;

    /** Opened on first use (the namespace may not exist yet when the dataplane is made), again after a failure. */
    private final java.util.function.Supplier<Optional<NftNetlink>> netlinkOpener;
    private Optional<NftNetlink> netlink = Optional.empty();

    public NftApplier(Nft nft, java.util.function.Supplier<Optional<NftNetlink>> netlink) {
        this.nft = nft;
        this.netlinkOpener = netlink;
        this.tables = new NativeTables(nft.runner());
        this.passMark = new PassMarkRules(nft.runner());
    }

    public NftApplier(Nft nft) {
        this(nft, Optional::empty);
    }

    private synchronized Optional<NftNetlink> netlink() {
        if (netlink.isEmpty()) netlink = netlinkOpener.get();
        return netlink;
    }

    /** The generation after the last batch that was the only transaction across it; -1 when unknown. */
    private long trustedGeneration = -1;

    /** See {@link #trustedGeneration}: the kernel held exactly the last snapshot's batch at this generation. */
    public long trustedGeneration() {
        return trustedGeneration;
    }

    /** Forgets {@link #trustedGeneration} (another snapshot is resumed). */
    public void distrust() {
        trustedGeneration = -1;
    }

    /** The ruleset generation, or -1 without netlink. */
    public long generation() {
        Optional<NftNetlink> nl = netlink();
        if (nl.isEmpty()) return -1;
        try {
            return nl.get().generation();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Every table, from netlink when it can (no nft process, exact owner flags), else from {@code nft}. */
    public List<NftTableId> liveTables() {
        Optional<NftNetlink> nl = netlink();
        if (nl.isPresent()) {
            try {
                return nl.get().tables();
            } catch (RuntimeException e) {
                log.debug("netlink table dump failed ({}); asking nft", e.getMessage());
            }
        }
        return tables.list();
    }

    /** Runs one batch, noting whether it was the only transaction across it ({@link #trustedGeneration}). */
    private CommandResult batch(String script) {
        long g0 = generation();
        CommandResult r = nft.batch(script);
        long g1 = r.ok() && g0 >= 0 ? generation() : -1;
        trustedGeneration = g1 >= 0 && g1 == g0 + 1 ? g1 : -1;
        return r;
    }

    /** Whether the pass mark rules are set: null until known (another process may have set them). */
    private Boolean passMarkSet;

    /** Which batch the last apply sent: "incremental", "full", or "full after incremental failed". */
    private volatile String lastMode = "";

    public String lastMode() {
        return lastMode;
    }

    public NftSnapshot apply(FirewallPolicy policy, NftDesired desired, NftDesired previous) {
        if (!desired.refused().isEmpty()) {
            throw new DataplaneException("custom_iptables_refused: the nftables backend does not apply custom iptables"
                    + " rules, and this policy has " + desired.refused().size() + " (" + String.join("; ", desired.refused())
                    + "). Remove them from the policy, or run this workload's VEN with --dataplane iptables. The previous"
                    + " policy stays in force.");
        }
        if (desired.idle()) {
            remove();
            return new NftSnapshot(policy, Map.of(), false);
        }
        if (desired.passMark()) {
            passMark.ensure();
            passMarkSet = true;
        }
        String extra = desired.coexistence() == Coexistence.EXCLUSIVE
                ? NativeTables.deletions(foreign(liveTables())) : "";
        CommandResult r = null;
        if (NftScript.canIncrement(previous, desired)) {
            String inc = NftScript.incremental(previous, desired, extra);
            r = batch(inc);
            lastMode = "incremental";
            if (!r.ok()) {
                log.info("incremental nft batch refused ({}); replacing Cordon's tables whole", r.stderr().strip());
                r = null;
                lastMode = "full after incremental failed";
            }
        } else {
            lastMode = "full";
        }
        if (r == null) {
            String full = NftScript.full(desired, extra);
            r = batch(full);
            if (!r.ok()) throw refused("applying Cordon's nftables tables", r, full);
        }
        if (!desired.passMark()) removePassMark();
        return trustedGeneration >= 0 ? rendered(policy, desired) : snapshot(policy, desired);
    }

    /**
     * Rewrites only the named chains and sets of Cordon's tables from {@code desired}, in one batch: each set is
     * declared (a no-op when it exists), flushed and filled; each chain declared (a base chain with its header, which
     * also puts a changed policy back), flushed and filled. False when the kernel refused it (the caller then
     * applies whole).
     */
    public boolean rewrite(NftDesired desired, Map<Family, java.util.Set<String>> chains, Map<Family, java.util.Set<String>> sets,
                           String extra) {
        StringBuilder sb = new StringBuilder(extra);
        for (NftTable t : desired.tables()) {
            String spec = t.spec();
            java.util.Set<String> cs = chains.getOrDefault(t.family(), java.util.Set.of());
            java.util.Set<String> ss = sets.getOrDefault(t.family(), java.util.Set.of());
            for (NftSet s : t.sets()) {
                if (!ss.contains(s.name())) continue;
                sb.append("add set ").append(spec).append(' ').append(s.name()).append(' ').append(s.declaration()).append('\n');
                sb.append("flush set ").append(spec).append(' ').append(s.name()).append('\n');
                for (int i = 0; i < s.elements().size(); i += 1000) {
                    sb.append("add element ").append(spec).append(' ').append(s.name()).append(" { ")
                            .append(String.join(", ", s.elements().subList(i, Math.min(s.elements().size(), i + 1000)))).append(" }\n");
                }
            }
            // every chain named is declared before any is filled: a rule may jump to another rewritten chain
            for (NftChain c : t.chains()) {
                if (!cs.contains(c.name())) continue;
                sb.append("add chain ").append(spec).append(' ').append(c.name());
                if (c.base()) sb.append(" { ").append(c.header()).append(" }");
                sb.append('\n').append("flush chain ").append(spec).append(' ').append(c.name()).append('\n');
            }
            for (NftChain c : t.chains()) {
                if (!cs.contains(c.name())) continue;
                for (String rule : c.rules()) {
                    sb.append("add rule ").append(spec).append(' ').append(c.name()).append(' ').append(rule).append('\n');
                }
            }
        }
        if (sb.length() == 0) return true;
        CommandResult r = batch(sb.toString());
        trustedGeneration = -1; // a repair restores what was found changed: not a proof that nothing else changed
        if (!r.ok()) log.info("targeted nft repair refused ({}); replacing Cordon's tables whole", r.stderr().strip());
        return r.ok();
    }

    /** The snapshot of a batch the kernel committed alone: the rendered tables, marked {@code rendered}. */
    public static NftSnapshot rendered(FirewallPolicy policy, NftDesired desired) {
        Map<Family, LiveTable> out = new EnumMap<>(Family.class);
        for (NftTable t : desired.tables()) out.put(t.family(), rendered(t));
        return new NftSnapshot(policy, out, desired.passMark(), true);
    }

    static LiveTable rendered(NftTable t) {
        Map<String, LiveTable.Chain> chains = new java.util.TreeMap<>();
        for (NftChain c : t.chains()) {
            chains.put(c.name(), c.base() ? new LiveTable.Chain("filter", c.hook(), c.priority(), "accept", c.rules())
                    : new LiveTable.Chain(null, null, null, null, c.rules()));
        }
        Map<String, LiveTable.Set> sets = new java.util.TreeMap<>();
        for (NftSet s : t.sets()) {
            List<String> elements = new java.util.ArrayList<>(s.elements());
            elements.sort(null);
            sets.put(s.name(), new LiveTable.Set(s.type(), List.of("interval"), elements));
        }
        return new LiveTable(chains, sets);
    }

    /** Deletes Cordon's tables (one batch), then the pass mark rules. */
    public void remove() {
        String script = "add table ip cordon\ndelete table ip cordon\nadd table ip6 cordon\ndelete table ip6 cordon\n";
        CommandResult r = batch(script);
        if (!r.ok()) throw refused("removing Cordon's nftables tables", r, script);
        passMarkSet = null; // remove always looks: a crashed earlier process may have left them
        removePassMark();
    }

    private void removePassMark() {
        if (Boolean.FALSE.equals(passMarkSet)) return;
        passMark.remove();
        passMarkSet = false;
    }

    public NftSnapshot snapshot(FirewallPolicy policy, NftDesired desired) {
        Map<Family, Optional<LiveTable>> live = nft.readAll(false);
        Map<Family, LiveTable> tables = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            if (desired.table(f).isPresent()) live.get(f).ifPresent(t -> tables.put(f, t));
        }
        return new NftSnapshot(policy, tables, desired.passMark());
    }

    public PassMarkRules passMark() {
        return passMark;
    }

    public NativeTables tables() {
        return tables;
    }

    private ApplyException refused(String what, CommandResult r, String input) {
        Matcher m = LINE.matcher(r.stderr());
        int line = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return new ApplyException(what + " in " + nft.runner().where(), r.commandLine(), r.stderr(), line, input);
    }

    /**
     * The tables every exclusive apply deletes: all but Cordon's and those owned by another process, which the kernel
     * lets nobody else delete (the batch would fail whole; {@code CoexistenceLimits} reports them instead).
     */
    public static List<NftTableId> foreign(List<NftTableId> live) {
        return live.stream().filter(t -> !t.cordon() && !t.owned()).toList();
    }
}
