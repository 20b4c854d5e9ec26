package dev.cordon.dataplane.iptables.apply;

import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.iptables.ipset.SetHeader;
import dev.cordon.dataplane.iptables.ipset.SetMembers;
import dev.cordon.dataplane.iptables.render.RestoreScript;
import dev.cordon.dataplane.iptables.render.Tools;
import dev.cordon.dataplane.iptables.save.SavedTable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The only place that knows the command lines of iptables, ip6tables and ipset. Reads run in parallel (the
 * tamper check needs three of them every second); writes are one batch per call and always pass {@code -w} so
 * they wait for the xtables lock instead of failing.
 */
public final class Kernel {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(120);

    private final CommandRunner runner;

    public Kernel(CommandRunner runner) {
        this.runner = runner;
    }

    public CommandRunner runner() {
        return runner;
    }

    /** The variant, read once: the binaries do not change under a running VEN. */
    private volatile IptablesVariant variant;

    /** The iptables variant, from {@code iptables -V} (run once). */
    public IptablesVariant variant() {
        IptablesVariant v = variant;
        if (v == null) variant = v = readVariant();
        return v;
    }

    /**
     * What a whole-table restore declares on this variant ({@link RestoreScript.Builtins}): on iptables-nft only the
     * built-in chains Cordon uses, so that no empty base chain (or empty nat table) costs every packet.
     */
    public RestoreScript.Builtins builtins() {
        return variant() == IptablesVariant.NF_TABLES ? RestoreScript.Builtins.USED : RestoreScript.Builtins.ALL;
    }

    private IptablesVariant readVariant() {
        CommandResult r = runner.run("iptables", "-V");
        if (!r.ok()) throw new DataplaneException("cannot run `iptables -V` in " + runner.where() + ": " + r.stderr().strip()
                + ". Install iptables (apt-get install iptables) and run as root.", r.commandLine(), r.stderr());
        return IptablesVariant.parse(r.stdout() + r.stderr());
    }

    /** Live tables and Cordon-relevant set headers, read in parallel. */
    public record Live(Map<Family, Map<String, SavedTable>> tables, Map<String, SetHeader> sets) {}

    public Live read() {
        CompletableFuture<CommandResult> v4 = CompletableFuture.supplyAsync(() -> save(Family.V4));
        CompletableFuture<CommandResult> v6 = CompletableFuture.supplyAsync(() -> save(Family.V6));
        CommandResult sets = runner.run(List.of("ipset", "list", "-t"), "", READ_TIMEOUT);
        Map<Family, Map<String, SavedTable>> tables = tables(v4.join(), v6.join());
        if (!sets.ok()) throw new DataplaneException("`ipset list -t` failed in " + runner.where() + ": "
                + sets.stderr().strip() + ". Install ipset (apt-get install ipset) and run as root.");
        return new Live(tables, SetHeader.parseList(sets.stdout()));
    }

    /** Live tables of both families, read in parallel (no set headers: the apply's read-back). */
    public Map<Family, Map<String, SavedTable>> readTables() {
        CompletableFuture<CommandResult> v6 = CompletableFuture.supplyAsync(() -> save(Family.V6));
        CommandResult v4 = save(Family.V4);
        return tables(v4, v6.join());
    }

    /** Live tables of one family. */
    public Map<String, SavedTable> readTable(Family f) {
        return tables(Map.of(f, save(f))).get(f);
    }

    private Map<Family, Map<String, SavedTable>> tables(CommandResult v4, CommandResult v6) {
        return tables(Map.of(Family.V4, v4, Family.V6, v6));
    }

    private Map<Family, Map<String, SavedTable>> tables(Map<Family, CommandResult> saved) {
        Map<Family, Map<String, SavedTable>> tables = new EnumMap<>(Family.class);
        for (Map.Entry<Family, CommandResult> e : saved.entrySet()) {
            CommandResult r = e.getValue();
            if (!r.ok()) throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                    + r.stderr().strip() + ". Is " + Tools.tool(e.getKey()) + " installed, and do you run as root?");
            tables.put(e.getKey(), SavedTable.parseAll(r.stdout()));
        }
        return tables;
    }

    /** The whole {@code iptables-save} (or {@code ip6tables-save}) output of a family, as printed. */
    public String saveText(Family f) {
        CommandResult r = save(f);
        if (!r.ok()) throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                + r.stderr().strip(), r.commandLine(), r.stderr());
        return r.stdout();
    }

    private CommandResult save(Family f) {
        return runner.run(List.of(Tools.saveCommand(f)), "", READ_TIMEOUT);
    }

    /** Members of the named sets, as {@code ipset save} prints them. */
    public Map<String, List<String>> members(List<String> names) {
        StringBuilder out = new StringBuilder();
        for (String n : names) {
            CommandResult r = runner.run(List.of("ipset", "save", n), "", READ_TIMEOUT);
            if (r.ok()) out.append(r.stdout());
        }
        return SetMembers.parseSave(out.toString());
    }

    public CommandResult restore(Family f, String text, boolean noflush) {
        List<String> argv = noflush ? List.of(Tools.restoreCommand(f), "-w", "--noflush") : List.of(Tools.restoreCommand(f), "-w");
        return runner.run(argv, text, WRITE_TIMEOUT);
    }

    public CommandResult ipsetRestore(String text) {
        return runner.run(List.of("ipset", "restore"), text, WRITE_TIMEOUT);
    }

    /** {@code ipset -exist restore}: {@code create} of a set that exists with the same type and size is no error. */
    public CommandResult ipsetRestoreExist(String text) {
        return runner.run(List.of("ipset", "-exist", "restore"), text, WRITE_TIMEOUT);
    }
}
