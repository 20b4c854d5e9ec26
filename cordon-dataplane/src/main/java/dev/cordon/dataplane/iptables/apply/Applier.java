package dev.cordon.dataplane.iptables.apply;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the kernel from its live state to a {@link DesiredState}, all or nothing.
 *
 * <p>Order and invariants:
 * <ol>
 *   <li>read the live tables and sets (the rollback point);</li>
 *   <li>create and fill a temporary set ({@code NAME-t}) for every desired set in one {@code ipset restore}; on
 *       failure the temporaries are destroyed and nothing else has changed;</li>
 *   <li>swap each temporary with the live set of the same name (or rename it when the set is new), in one batch;
 *       a swapped temporary now holds the old members and is kept until the tables succeed;</li>
 *   <li>one {@code iptables-restore} per table, IPv4 then IPv6 (exclusive: whole tables; coexistence:
 *       {@code --noflush}, touching only Cordon's chains and jumps); tables where Cordon had state but wants none
 *       are cleaned the same way; if a table fails, the tables already written are restored from their live
 *       text and the sets swapped back, so the previous policy stays in force;</li>
 *   <li>destroy the temporaries and Cordon sets nothing refers to any more;</li>
 *   <li>read back: the tables as the kernel now prints them become the applied snapshot.</li>
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
        Kernel.Live live = kernel.read();
        List<SetSpec> swapped = stageSets(desired, live.sets());
        List<Runnable> undo = new ArrayList<>();
        try {
            for (Family f : Family.values()) {
                Map<String, SavedTable> liveTables = live.tables().getOrDefault(f, Map.of());
                Map<String, String> scripts = new LinkedHashMap<>();
                for (TableSpec t : desired.tables(f)) {
                    scripts.put(t.table(), RestoreScript.script(t, desired.coexistence(), liveTables.get(t.table())));
                }
                for (SavedTable lt : liveTables.values()) {
                    if (scripts.containsKey(lt.table()) || !TableSpec.TABLES.contains(lt.table())) continue;
                    String removal = RestoreScript.removal(lt);
                    if (removal != null) scripts.put(lt.table(), removal);
                }
                for (String table : TableSpec.TABLES) {
                    String script = scripts.get(table);
                    if (script == null) continue;
                    boolean noflush = RestoreScript.noflush(desired.coexistence())
                            || !desired.tables(f).stream().anyMatch(t -> t.table().equals(table));
                    CommandResult r = kernel.restore(f, script, noflush);
                    if (!r.ok()) {
                        throw new ApplyException("applying table " + table + " (" + f.display() + ") in "
                                + kernel.runner().where(), r.commandLine(), r.stderr(), script);
                    }
                    SavedTable before = liveTables.get(table);
                    undo.add(0, () -> rollbackTable(f, table, before));
                }
            }
        } catch (RuntimeException e) {
            undo.forEach(Runnable::run);
            unstageSets(desired, swapped);
            throw e;
        }
        finishSets(desired, swapped, live.sets());
        return snapshot(policy, desired);
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
            if (!r.ok()) {
                throw new ApplyException("removing Cordon's ipsets in " + kernel.runner().where()
                        + " (is another firewall still using one?)", r.commandLine(), r.stderr(), destroy.toString());
            }
        }
    }

    /** Reads back the tables Cordon watches and records the sets as applied. */
    public IptablesSnapshot snapshot(FirewallPolicy policy, DesiredState desired) {
        Kernel.Live after = kernel.read();
        Map<Family, Map<String, SavedTable>> tables = new EnumMap<>(Family.class);
        for (Family f : Family.values()) {
            Map<String, SavedTable> keep = new TreeMap<>();
            Map<String, SavedTable> now = after.tables().getOrDefault(f, Map.of());
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

    static String temp(String name) {
        return name + "-t";
    }

    /** Steps 2 and 3; returns the sets that were swapped (their temporaries hold the old members). */
    private List<SetSpec> stageSets(DesiredState desired, Map<String, SetHeader> live) {
        StringBuilder fill = new StringBuilder();
        for (String name : live.keySet()) {
            if (name.startsWith("cordon") && name.endsWith("-t")) fill.append("destroy ").append(name).append('\n');
        }
        for (SetSpec s : desired.sets()) s.appendRestore(fill, temp(s.name()));
        CommandResult r = kernel.ipsetRestore(fill.toString());
        if (!r.ok()) {
            destroyQuietly(desired.sets().stream().map(s -> temp(s.name())).toList());
            throw new ApplyException("filling Cordon's ipsets in " + kernel.runner().where(), r.commandLine(),
                    r.stderr(), fill.toString());
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

    private void destroyQuietly(List<String> names) {
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

    private static String emptyTable(String table) {
        StringBuilder sb = new StringBuilder("*").append(table).append('\n');
        for (String b : TableSpec.builtins(table)) sb.append(':').append(b).append(" ACCEPT [0:0]\n");
        return sb.append("COMMIT\n").toString();
    }
}
