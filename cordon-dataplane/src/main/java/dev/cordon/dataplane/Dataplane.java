package dev.cordon.dataplane;

import dev.cordon.dataplane.apply.Applier;
import dev.cordon.dataplane.apply.ApplyException;
import dev.cordon.dataplane.apply.DataplaneException;
import dev.cordon.dataplane.apply.Kernel;
import dev.cordon.dataplane.conntrack.ConntrackFlusher;
import dev.cordon.dataplane.exec.Backend;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.render.DesiredState;
import dev.cordon.dataplane.render.Renderer;
import dev.cordon.dataplane.tamper.Change;
import dev.cordon.dataplane.tamper.TamperDetector;
import dev.cordon.dataplane.tamper.TamperReport;
import dev.cordon.policy.compile.FirewallPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dataplane's public face, used by the CLI ({@code cordon policy compile --format iptables},
 * {@code cordon policy apply}) and by the VEN: render a {@link FirewallPolicy} to iptables/ipset text, apply it
 * atomically, watch it for tampering, repair it, take it away.
 *
 * <p>One instance drives one network stack (the host, or the namespace its {@link CommandRunner} runs in) and
 * remembers the last {@link AppliedState}; methods are synchronised, so a VEN's sync loop and tamper loop may
 * share it. Typical use:
 * <pre>{@code
 * Dataplane dp = Dataplane.create(ProcessCommandRunner.inNamespace("ns1"));
 * AppliedState s = dp.apply(policy);          // throws ApplyException; the previous state stays in force
 * TamperReport r = dp.check();               // cheap: run it every second
 * if (r.tampered()) dp.repair();
 * dp.remove();
 * }</pre>
 */
public final class Dataplane {
    /** A tamper check lists every set member on one check out of this many (others compare set headers). */
    public static final int FULL_CHECK_EVERY = 30;

    private final Kernel kernel;
    private final Applier applier;
    private AppliedState current;
    private long checks;

    private Dataplane(CommandRunner runner, AppliedState previous) {
        this.kernel = new Kernel(runner);
        this.applier = new Applier(kernel);
        this.current = previous;
    }

    /** A dataplane with nothing applied yet, running its commands through {@code runner}. */
    public static Dataplane create(CommandRunner runner) {
        return new Dataplane(runner, null);
    }

    /** A dataplane that resumes watching a snapshot persisted by an earlier run (e.g. after a VEN restart). */
    public static Dataplane create(CommandRunner runner, AppliedState previous) {
        return new Dataplane(runner, previous);
    }

    /** The rendered desired state of a policy (pure). */
    public static DesiredState desired(FirewallPolicy policy) {
        return Renderer.render(policy);
    }

    /**
     * The exact text {@code cordon policy compile --format iptables} prints: the {@code ipset restore} part, then
     * each table for IPv4, then for IPv6, each section headed by a comment naming its command. Pure.
     */
    public String render(FirewallPolicy policy) {
        return Renderer.render(policy).text();
    }

    /**
     * Applies the policy atomically and returns the applied snapshot (read back from the kernel). When stateless
     * rules changed since the previous policy, their conntrack entries are deleted. An {@code idle} policy
     * removes Cordon's state.
     *
     * @throws ApplyException when the kernel refuses a batch; it names the command, the refused input line and
     *     the tool's stderr; the previous state stays in force
     * @throws DataplaneException when the tools cannot be run at all (not installed, not root)
     */
    public synchronized AppliedState apply(FirewallPolicy policy) {
        AppliedState next = applier.apply(policy, Renderer.render(policy));
        if (current != null) {
            ConntrackFlusher.flush(kernel.runner(), ConntrackFlusher.commands(current.policy(), policy));
        }
        current = next;
        checks = 0;
        return next;
    }

    /**
     * Compares the live kernel with the applied snapshot (SPEC §6). Reads both families' tables and the ipset
     * headers in parallel; lists set members only for sets whose size changed, and for all sets on every
     * {@value #FULL_CHECK_EVERY}th call. Nothing applied yet: an empty report.
     */
    public synchronized TamperReport check() {
        return check(++checks % FULL_CHECK_EVERY == 0);
    }

    /** A check that also compares every member of every Cordon set. */
    public synchronized TamperReport checkFull() {
        return check(true);
    }

    private TamperReport check(boolean full) {
        long t0 = System.nanoTime();
        if (current == null) return new TamperReport(List.of(), full, 0);
        Kernel.Live live = kernel.read();
        List<Change> changes = new ArrayList<>(TamperDetector.compareTables(current, live.tables()));
        List<String> need = TamperDetector.setsNeedingMembers(current, live.sets(), full);
        Map<String, List<String>> members = need.isEmpty() ? Map.of() : kernel.members(need);
        changes.addAll(TamperDetector.compareSets(current, live.sets(), members));
        return new TamperReport(changes, full, System.nanoTime() - t0);
    }

    /** Re-applies the current policy, restoring Cordon's state as it was applied. No-op when nothing is applied. */
    public synchronized void repair() {
        if (current == null) return;
        current = applier.apply(current.policy(), Renderer.render(current.policy()));
    }

    /** Takes Cordon's chains, jumps and ipsets away and forgets the snapshot; other tools' rules stay. */
    public synchronized void remove() {
        applier.remove();
        current = null;
    }

    /** The last applied snapshot, if any. */
    public synchronized Optional<AppliedState> current() {
        return Optional.ofNullable(current);
    }

    /** The iptables backend of the host or namespace ({@code iptables -V}). */
    public Backend backend() {
        return kernel.backend();
    }
}
