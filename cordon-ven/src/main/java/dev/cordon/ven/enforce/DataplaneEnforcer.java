package dev.cordon.ven.enforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cordon.dataplane.AppliedState;
import dev.cordon.dataplane.Dataplane;
import dev.cordon.dataplane.apply.ApplyException;
import dev.cordon.dataplane.apply.DataplaneException;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.tamper.Change;
import dev.cordon.dataplane.tamper.TamperReport;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.dataplane.iptables.SavedTable;
import dev.cordon.dataplane.render.Family;
import dev.cordon.dataplane.render.JumpSpec;
import dev.cordon.policy.compile.Coexistence;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Enforcer} over the dataplane facade ({@link Dataplane}): rendering, atomic apply with rollback, read-back,
 * tamper classification and repair all live there; this adapter only translates its exceptions and values into the
 * agent's, and adds what only the agent needs (saving and restoring the pre-activation firewall).
 *
 * <p>All commands go through one {@link CommandRunner}, so the same adapter enforces the host or a network
 * namespace ({@code ProcessCommandRunner.inNamespace}).
 */
public final class DataplaneEnforcer implements Enforcer {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final CommandRunner runner;
    private Dataplane dataplane;

    public DataplaneEnforcer(CommandRunner runner) {
        this.runner = runner;
        this.dataplane = Dataplane.create(runner);
    }

    /** Checks that the firewall tools run where this enforcer works (fails with what to install otherwise). */
    public void preflight() {
        try {
            dataplane.backend();
        } catch (DataplaneException e) {
            throw new EnforcementException(e.getMessage(), "iptables -V", "", 0, "", e);
        }
        for (String[] tool : new String[][] {{"ipset", "-v"}, {"ip6tables", "-V"}, {"iptables-save", "-V"}}) {
            CommandResult r = runner.run(tool);
            if (!r.ok()) {
                throw new EnforcementException("cannot run `" + String.join(" ", tool) + "` in " + runner.where() + ": "
                        + r.stderr().strip() + ". Install iptables and ipset (apt-get install -y iptables ipset"
                        + " conntrack) and run the VEN as root.", r.commandLine(), r.stderr(), 0, "", null);
            }
        }
    }

    @Override
    public synchronized AppliedSnapshot apply(FirewallPolicy policy) {
        try {
            return snapshot(dataplane.apply(policy));
        } catch (ApplyException e) {
            throw new EnforcementException(e.getMessage(), e.command(), e.stderr(), e.line(), e.lineText(), e);
        } catch (DataplaneException e) {
            throw new EnforcementException(e.getMessage(), "", "", 0, "", e);
        }
    }

    @Override
    public synchronized Optional<AppliedSnapshot> current() {
        return dataplane.current().map(DataplaneEnforcer::snapshot);
    }

    @Override
    public synchronized List<TamperChange> check() {
        TamperReport r;
        try {
            r = dataplane.check();
        } catch (DataplaneException e) {
            throw new EnforcementException(e.getMessage(), "", "", 0, "", e);
        }
        return r.changes().stream().map(DataplaneEnforcer::change).toList();
    }

    /**
     * Re-applies the snapshot's policy. The dataplane reads the tables back after the last table is written, so a
     * change someone makes between that write and the read-back would become part of the new snapshot and never be
     * seen again. A repair applies the same policy, so its read-back must equal the previous snapshot in what Cordon
     * owns; when it does not, the dataplane goes on watching against the previous snapshot (and the difference is
     * found by the next check), while the returned snapshot shows the agent what was read.
     */
    @Override
    public synchronized AppliedSnapshot repair() {
        AppliedState previous = dataplane.current().orElse(null);
        AppliedSnapshot read = doRepair();
        if (previous != null && !read.owned().equals(owned(previous))) {
            dataplane = Dataplane.create(runner, previous);
        }
        return read;
    }

    private AppliedSnapshot doRepair() {
        try {
            dataplane.repair();
        } catch (ApplyException e) {
            throw new EnforcementException(e.getMessage(), e.command(), e.stderr(), e.line(), e.lineText(), e);
        } catch (DataplaneException e) {
            throw new EnforcementException(e.getMessage(), "", "", 0, "", e);
        }
        return dataplane.current().map(DataplaneEnforcer::snapshot)
                .orElseThrow(() -> new EnforcementException("nothing was applied, so nothing can be repaired"));
    }

    @Override
    public synchronized void remove() {
        try {
            dataplane.remove();
        } catch (ApplyException e) {
            throw new EnforcementException(e.getMessage(), e.command(), e.stderr(), e.line(), e.lineText(), e);
        } catch (DataplaneException e) {
            throw new EnforcementException(e.getMessage(), "", "", 0, "", e);
        }
    }

    @Override
    public SavedFirewall save() {
        return new SavedFirewall(run("iptables-save", "").stdout(), run("ip6tables-save", "").stdout());
    }

    @Override
    public void restore(SavedFirewall saved) {
        remove();
        if (!saved.ipv4().isBlank()) run("iptables-restore", saved.ipv4());
        if (!saved.ipv6().isBlank()) run("ip6tables-restore", saved.ipv6());
    }

    @Override
    public void open() {
        remove();
        String accept = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
        // --noflush: only the built-in policies change, other tools' rules stay.
        runArgs(List.of("iptables-restore", "-w", "--noflush"), accept);
        runArgs(List.of("ip6tables-restore", "-w", "--noflush"), accept);
    }

    private CommandResult run(String tool, String stdin) {
        return runArgs(tool.endsWith("-restore") ? List.of(tool, "-w") : List.of(tool), stdin);
    }

    private CommandResult runArgs(List<String> argv, String stdin) {
        CommandResult r = runner.run(argv, stdin, TIMEOUT);
        if (!r.ok()) {
            throw new EnforcementException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                    + r.stderr().strip(), r.commandLine(), r.stderr(), 0, "", null);
        }
        return r;
    }

    static TamperChange change(Change c) {
        return new TamperChange(c.family().display(), c.table(), c.chain(), c.rule(),
                c.kind().name().toLowerCase(Locale.ROOT));
    }

    static AppliedSnapshot snapshot(AppliedState s) {
        try {
            return new AppliedSnapshot(s.policy().hash(), s.policy().coexistence().wire(),
                    PolicyJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(s), owned(s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the applied snapshot", e);
        }
    }

    /**
     * A canonical text of what Cordon owns in the snapshot (set members by count and digest): when exclusive every chain of every
     * watched table with its policy; otherwise only {@code CORDON*} chains and the cordon-commented jumps (with
     * their positions when primary); plus Cordon's sets and members.
     */
    static String owned(AppliedState s) {
        boolean exclusive = s.policy().coexistence() == Coexistence.EXCLUSIVE;
        StringBuilder sb = new StringBuilder();
        for (Family f : Family.values()) {
            for (SavedTable t : new TreeMap<>(s.tables(f)).values()) {
                for (String chain : new TreeSet<>(t.policies().keySet())) {
                    boolean own = chain.startsWith("CORDON");
                    List<String> rules = t.rules(chain);
                    if (exclusive || own) {
                        sb.append(f).append(' ').append(t.table()).append(' ').append(chain).append(' ')
                                .append(t.policies().get(chain)).append('\n');
                        rules.forEach(r -> sb.append("  ").append(r).append('\n'));
                    } else {
                        // a primary jump must be first; a not-primary one moves as other tools add rules above it
                        boolean primary = s.policy().coexistence() == Coexistence.PRIMARY;
                        for (int i = 0; i < rules.size(); i++) {
                            if (JumpSpec.isCordonJump(rules.get(i))) {
                                sb.append(f).append(' ').append(t.table()).append(' ').append(chain)
                                        .append(primary ? " #" + i : "").append(' ').append(rules.get(i)).append('\n');
                            }
                        }
                    }
                }
            }
        }
        new TreeMap<>(s.sets()).forEach((name, set) -> sb.append("set ").append(name).append(' ').append(set.type())
                .append(' ').append(set.members().size()).append(" members ")
                .append(sha256(String.join("\n", new TreeSet<>(set.members())))).append('\n'));
        return sb.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
