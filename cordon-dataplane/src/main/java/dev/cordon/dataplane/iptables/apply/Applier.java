package dev.cordon.dataplane.iptables.apply;

import dev.cordon.dataplane.exec.Futures;
import dev.cordon.dataplane.ApplyException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.iptables.ipset.SetHeader;
import dev.cordon.dataplane.iptables.render.DesiredState;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.render.SetSpec;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.iptables.snapshot.IptablesSnapshot;
import dev.cordon.policy.compile.Coexistence;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the kernel from its live state to a {@link DesiredState}, all or nothing.
 *
 * <p>Order and invariants:
 * <ol>
 *   <li>read the live tables and sets (the rollback point) and, at the same time, create and fill a temporary set
 *       ({@code NAME-t}) for every desired set in one {@code ipset -exist restore} ({@code create -exist} and
 *       {@code flush}, so a leftover temporary of the same type is reused rather than being a reason to wait for the
 *       read); on failure the temporaries are destroyed and nothing else has changed;</li>
 *   <li>swap each temporary with the live set of the same name (or rename it when the set is new), in one batch;
 *       a swapped temporary now holds the old members and is kept until the tables succeed;</li>
 *   <li>one {@code iptables-restore} per family for the tables that share a flush mode, IPv4 then IPv6 (exclusive:
 *       whole tables; coexistence: {@code --noflush}, touching only Cordon's chains and jumps); tables where Cordon
 *       had state but wants none are cleaned the same way. The tools commit table by table ({@code COMMIT}), so if
 *       one fails, the tables before it (by the line the tool names) and those of earlier calls are restored from
 *       their live text and the sets swapped back: the previous policy stays in force;</li>
 *   <li>destroy the temporaries and Cordon sets nothing refers to any more, in one batch;</li>
 *   <li>read back: the tables as the kernel now prints them become the applied snapshot (each family's as soon as
 *       they are written).</li>
 * </ol>
 */
public final class Applier {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private final Kernel kernel;

    public Applier(Kernel kernel) {
        this.kernel = kernel;
    }

    public IptablesSnapshot apply(FirewallPolicy policy, DesiredState desired) {
        if (desired.idle()) {
            remove();
            return new IptablesSnapshot(policy, Map.of(), Map.of());
        }
        return apply(policy, desired, () -> {});
    }

    /**
     * {@link #apply(FirewallPolicy, DesiredState)} with {@code beside} run on another thread while the tables are
     * read back (work that touches none of them); returns when both are done, and throws what either threw. Each
     * family's tables are read back as soon as they are written: IPv4's while IPv6's are written.
     */
    public IptablesSnapshot apply(FirewallPolicy policy, DesiredState desired, Runnable beside) {
        if (desired.idle()) {
            remove();
            beside.run();
            return new IptablesSnapshot(policy, Map.of(), Map.of());
        }
        Map<Family, CompletableFuture<Map<String, SavedTable>>> reading = new EnumMap<>(Family.class);
        write(desired, f -> reading.put(f, CompletableFuture.supplyAsync(() -> kernel.readTable(f))));
        CompletableFuture<Void> other = CompletableFuture.runAsync(beside);
        Map<Family, Map<String, SavedTable>> after = new EnumMap<>(Family.class);
        reading.forEach((f, r) -> after.put(f, Futures.join(r)));
        Futures.join(other);
        return snapshot(policy, desired, after);
    }

    /**
     * Steps 1 to 4: the kernel holds {@code desired} on return (not idle), or its previous state and this throws;
     * {@code written} hears each family once its tables are all written.
     */
    public void write(DesiredState desired, java.util.function.Consumer<Family> written) {
        // the rollback point is read while the sets fill: neither depends on the other (a leftover temporary is the
        // only thing the fill needs the live sets for, and then it is filled again, below)
        CompletableFuture<Kernel.Live> reading = CompletableFuture.supplyAsync(kernel::read);
        CommandResult filled = kernel.ipsetRestoreExist(fill(desired, List.of()));
        Kernel.Live live;
        try {
            live = reading.join();
        } catch (CompletionException e) {
            destroyQuietly(desired.sets().stream().map(s -> temp(s.name())).toList());
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
        List<SetSpec> swapped = stageSets(desired, live.sets(), filled);
        RestoreScript.Builtins builtins = kernel.builtins();
        List<Runnable> undo = new ArrayList<>();
        try {
            for (Family f : Family.values()) {
                Map<String, SavedTable> liveTables = live.tables().getOrDefault(f, Map.of());
                Map<String, String> scripts = new LinkedHashMap<>();
                for (TableSpec t : desired.tables(f)) {
                    scripts.put(t.table(), RestoreScript.script(t, desired.coexistence(), liveTables.get(t.table()), builtins));
                }
                for (SavedTable lt : liveTables.values()) {
                    if (scripts.containsKey(lt.table()) || !TableSpec.TABLES.contains(lt.table())) continue;
                    String removal = RestoreScript.removal(lt);
                    if (removal != null) scripts.put(lt.table(), removal);
                }
                for (RestoreBatch batch : RestoreBatch.of(TableSpec.TABLES, scripts,
                        table -> RestoreScript.noflush(desired.coexistence())
                                || desired.tables(f).stream().noneMatch(t -> t.table().equals(table)))) {
                    CommandResult r = kernel.restore(f, batch.text(), batch.noflush());
                    if (!r.ok()) {
                        int line = ApplyException.lineOf(r.stderr());
                        // the tables before the refused one are committed: they are put back, with earlier calls'
                        for (String table : batch.committedBefore(line)) undo.add(0, rollback(f, table, liveTables));
                        throw new ApplyException("applying table " + batch.tableAt(line) + " (" + f.display() + ") in "
                                + kernel.runner().where(), r.commandLine(), r.stderr(), line, batch.text());
                    }
                    for (String table : batch.tables()) undo.add(0, rollback(f, table, liveTables));
                }
                written.accept(f);
            }
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            unstageSets(desired, swapped);
            throw e;
        }
        finishSets(desired, swapped, live.sets());
    }

    private Runnable rollback(Family f, String table, Map<String, SavedTable> liveTables) {
        SavedTable before = liveTables.get(table);
        return () -> rollbackTable(f, table, before);
    }

    /** Takes Cordon's chains, jumps and sets away; leaves every other rule. */
    public void remove() {
        Kernel.Live live = kernel.read();
        for (Family f : Family.values()) {
            for (SavedTable t : live.tables().getOrDefault(f, Map.of()).values()) {
                String script = RestoreScript.removal(t);
                if (script == null) continue;
                CommandResult r = kernel.restore(f, script, true);
                if (!r.ok()) {
                    throw new ApplyException("removing Cordon from table " + t.table() + " (" + f.display() + ") in "
                            + kernel.runner().where(), r.commandLine(), r.stderr(), script);
                }
            }
        }
        StringBuilder destroy = new StringBuilder();
        for (String name : live.sets().keySet()) {
            if (name.startsWith("cordon")) destroy.append("destroy ").append(name).append('\n');
        }
        if (destroy.length() > 0) {
            CommandResult r = kernel.ipsetRestore(destroy.toString());
            // iptables-nft drops a deleted rule's reference to its set after the commit, from a kernel worker: a
            // destroy right behind the restore can still find the set in use (seen once in the bench); wait for it
            for (int i = 0; i < IN_USE_RETRIES && !r.ok() && r.stderr().contains("in use by a kernel component"); i++) {
                sleep(IN_USE_WAIT);
                r = kernel.ipsetRestoreExist(destroy.toString()); // -exist: the sets destroyed before the refused one are no error
            }
            if (!r.ok()) {
                throw new ApplyException("removing Cordon's ipsets in " + kernel.runner().where()
                        + " (is another firewall still using one?)", r.commandLine(), r.stderr(), destroy.toString());
            }
        }
    }

    /** Reads back the tables Cordon watches and records the sets as applied. */
    public IptablesSnapshot snapshot(FirewallPolicy policy, DesiredState desired) {
        return snapshot(policy, desired, kernel.readTables());
    }

    /**
     * The snapshot from tables read after the apply ({@code after}); the tables only are read back: the sets are
     * recorded as written (the tamper check compares their headers and members).
     */
    private static IptablesSnapshot snapshot(FirewallPolicy policy, DesiredState desired, Map<Family, Map<String, SavedTable>> after) {
        Map<Family, Map<String, SavedTable>> tables = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            Map<String, SavedTable> keep = new TreeMap<>();
            Map<String, SavedTable> now = after.getOrDefault(f, Map.of());
            for (String t : TableSpec.TABLES) {
                boolean watched = desired.coexistence() == Coexistence.EXCLUSIVE
                        || desired.tables(f).stream().anyMatch(ts -> ts.table().equals(t));
                if (watched && now.containsKey(t)) keep.put(t, now.get(t));
            }
            tables.put(f, keep);
        }
        Map<String, IptablesSnapshot.SetSnapshot> sets = new TreeMap<>();
        for (SetSpec s : desired.sets()) sets.put(s.name(), new IptablesSnapshot.SetSnapshot(s.type(), s.members()));
        return new IptablesSnapshot(policy, tables, sets);
    }

    private static final int IN_USE_RETRIES = 20;
    private static final java.time.Duration IN_USE_WAIT = java.time.Duration.ofMillis(100);

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the kernel to release Cordon's ipsets", e);
        }
    }

    static String temp(String name) {
        return name + "-t";
    }

    /**
     * The fill of step 1: each desired set's temporary created (or, left over with the same type, kept), emptied and
     * filled; {@code leftovers} (temporaries of an earlier, interrupted apply) destroyed first.
     */
    private static String fill(DesiredState desired, List<String> leftovers) {
        StringBuilder fill = new StringBuilder();
        for (String name : leftovers) fill.append("destroy ").append(name).append('\n');
        for (SetSpec s : desired.sets()) {
            fill.append(s.createLine(temp(s.name()))).append('\n');
            fill.append("flush ").append(temp(s.name())).append('\n');
            for (String m : s.members()) fill.append("add ").append(temp(s.name())).append(' ').append(m).append('\n');
        }
        return fill.toString();
    }

    /**
     * Step 1's outcome and step 2; returns the sets that were swapped (their temporaries hold the old members). A
     * fill that failed is tried once more with the live temporaries destroyed first (one of another type or size
     * from an interrupted apply refuses {@code create -exist}).
     */
    private List<SetSpec> stageSets(DesiredState desired, Map<String, SetHeader> live, CommandResult filled) {
        CommandResult r = filled;
        String text = null;
        if (!r.ok()) {
            List<String> leftovers = live.keySet().stream().filter(n -> n.startsWith("cordon") && n.endsWith("-t")).toList();
            text = fill(desired, leftovers);
            r = leftovers.isEmpty() ? r : kernel.ipsetRestoreExist(text);
        }
        if (!r.ok()) {
            destroyQuietly(desired.sets().stream().map(s -> temp(s.name())).toList());
            throw new ApplyException("filling Cordon's ipsets in " + kernel.runner().where(), r.commandLine(),
                    r.stderr(), text != null ? text : fill(desired, List.of()));
        }
        StringBuilder swap = new StringBuilder();
        List<SetSpec> swapped = new ArrayList<>();
        for (SetSpec s : desired.sets()) {
            SetHeader h = live.get(s.name());
            if (h != null && h.type().equals(s.type())) {
                swap.append("swap ").append(temp(s.name())).append(' ').append(s.name()).append('\n');
                swapped.add(s);
            } else {
                if (h != null) swap.append("destroy ").append(s.name()).append('\n');
                swap.append("rename ").append(temp(s.name())).append(' ').append(s.name()).append('\n');
            }
        }
        if (swap.isEmpty()) return swapped;
        CommandResult sr = kernel.ipsetRestore(swap.toString());
        if (!sr.ok()) {
            unstageSets(desired, swapped);
            throw new ApplyException("swapping Cordon's ipsets in " + kernel.runner().where(), sr.commandLine(),
                    sr.stderr(), swap.toString());
        }
        return swapped;
    }

    /** Undo of step 3: swap old members back, drop sets that did not exist before. */
    private void unstageSets(DesiredState desired, List<SetSpec> swapped) {
        StringBuilder sb = new StringBuilder();
        List<String> drop = new ArrayList<>();
        for (SetSpec s : desired.sets()) {
            if (swapped.contains(s)) {
                sb.append("swap ").append(temp(s.name())).append(' ').append(s.name()).append('\n');
                drop.add(temp(s.name()));
            } else {
                drop.add(temp(s.name()));
                drop.add(s.name());
            }
        }
        if (sb.length() > 0) {
            CommandResult r = kernel.ipsetRestore(sb.toString());
            if (!r.ok()) log.warn("could not swap Cordon's ipsets back: {}", r.stderr().strip());
        }
        destroyQuietly(drop);
    }

    private void finishSets(DesiredState desired, List<SetSpec> swapped, Map<String, SetHeader> live) {
        List<String> drop = new ArrayList<>();
        for (SetSpec s : swapped) drop.add(temp(s.name()));
        for (String name : live.keySet()) {
            boolean wanted = desired.sets().stream().anyMatch(s -> s.name().equals(name));
            if (name.startsWith("cordon") && !wanted && !name.endsWith("-t")) drop.add(name);
        }
        destroyQuietly(drop);
    }

    /**
     * Destroys the named sets: one batch (the names are sets this apply made or saw), and one command per set only
     * when the batch fails (a set already gone, or still referenced), so one failure does not keep the others.
     */
    private void destroyQuietly(List<String> names) {
        if (names.isEmpty()) return;
        StringBuilder batch = new StringBuilder();
        for (String n : names) batch.append("destroy ").append(n).append('\n');
        if (kernel.ipsetRestore(batch.toString()).ok()) return;
        for (String n : names) {
            CommandResult r = kernel.runner().run("ipset", "destroy", n);
            if (!r.ok() && !r.stderr().contains("does not exist")) {
                log.warn("could not destroy ipset {}: {}", n, r.stderr().strip());
            }
        }
    }

    private void rollbackTable(Family f, String table, SavedTable before) {
        String text = before != null ? before.restoreText() : emptyTable(table);
        CommandResult r = kernel.restore(f, text, false);
        if (!r.ok()) log.error("could not restore table {} ({}) to its previous state: {}", table, f.display(), r.stderr().strip());
    }

    /** A table that was not there: on iptables-nft, {@code *table} alone deletes it again. */
    private String emptyTable(String table) {
        StringBuilder sb = new StringBuilder("*").append(table).append('\n');
        if (kernel.builtins() == RestoreScript.Builtins.ALL) {
            for (String b : TableSpec.builtins(table)) sb.append(':').append(b).append(" ACCEPT [0:0]\n");
        }
        return sb.append("COMMIT\n").toString();
    }
}
