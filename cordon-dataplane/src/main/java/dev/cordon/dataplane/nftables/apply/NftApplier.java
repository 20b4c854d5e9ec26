package dev.cordon.dataplane.nftables.apply;

import dev.cordon.dataplane.ApplyException;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.foreign.NativeTables;
import dev.cordon.dataplane.foreign.NftTableId;
import dev.cordon.dataplane.nftables.read.LiveTable;
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
 *   <li>pass mark rules no longer needed are taken away; the tables are read back as the snapshot.</li>
 * </ol>
 */
public final class NftApplier {
    private static final Logger log = LoggerFactory.getLogger(NftApplier.class);
    private static final Pattern LINE = Pattern.compile("stdin:(\\d+):");
    private final Nft nft;
    private final NativeTables tables;
    private final PassMarkRules passMark;

    public NftApplier(Nft nft) {
        this.nft = nft;
        this.tables = new NativeTables(nft.runner());
        this.passMark = new PassMarkRules(nft.runner());
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
                ? NativeTables.deletions(foreign(tables.list())) : "";
        CommandResult r = null;
        if (NftScript.canIncrement(previous, desired)) {
            String inc = NftScript.incremental(previous, desired, extra);
            r = nft.batch(inc);
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
            r = nft.batch(full);
            if (!r.ok()) throw refused("applying Cordon's nftables tables", r, full);
        }
        if (!desired.passMark()) removePassMark();
        return snapshot(policy, desired);
    }

    /** Deletes Cordon's tables (one batch), then the pass mark rules. */
    public void remove() {
        String script = "add table ip cordon\ndelete table ip cordon\nadd table ip6 cordon\ndelete table ip6 cordon\n";
        CommandResult r = nft.batch(script);
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
