package dev.cordon.dataplane.nftables.apply;

import dev.cordon.dataplane.Change;
import dev.cordon.dataplane.ChangeKind;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.nftables.render.PassMark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The not-primary helper rules: {@link PassMark#iptablesRule()} as the last rule of iptables' filter INPUT, FORWARD
 * and OUTPUT in both families, written with the iptables tools themselves (a native nft rule in an iptables-nft
 * table would make iptables refuse the whole table). Each family is one {@code iptables-restore --noflush} batch.
 * They are set before Cordon's table relies on them and taken away after it stops relying on them, so a crash
 * between the two batches never lets a packet skip Cordon (a stray mark rule with no Cordon table is inert).
 */
public final class PassMarkRules {
    static final List<String> CHAINS = List.of("INPUT", "FORWARD", "OUTPUT");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final CommandRunner runner;

    public PassMarkRules(CommandRunner runner) {
        this.runner = runner;
    }

    private static String save(Family f) {
        return f == Family.V4 ? "iptables-save" : "ip6tables-save";
    }

    private static String restore(Family f) {
        return f == Family.V4 ? "iptables-restore" : "ip6tables-restore";
    }

    private List<String> rules(Family f, String chain) {
        CommandResult r = runner.run(List.of(save(f), "-t", "filter"), "", TIMEOUT);
        if (!r.ok()) {
            throw new DataplaneException("not primary with the nftables backend needs iptables to mark what the other"
                    + " firewalls pass on, and `" + r.commandLine() + "` failed in " + runner.where() + ": "
                    + r.stderr().strip() + ". Install iptables (apt-get install iptables).", r.commandLine(), r.stderr());
        }
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) if (line.startsWith("-A " + chain + " ")) out.add(line);
        return out;
    }

    private static boolean ours(String line) {
        return line.contains("--comment " + PassMark.COMMENT + " ");
    }

    /** Puts the rule last in each chain where it is missing or no longer last. */
    public void ensure() {
        for (Family f : Family.values()) {
            StringBuilder sb = new StringBuilder("*filter\n");
            boolean change = false;
            for (String chain : CHAINS) {
                List<String> rules = rules(f, chain);
                boolean last = !rules.isEmpty() && ours(rules.get(rules.size() - 1));
                long count = rules.stream().filter(PassMarkRules::ours).count();
                if (last && count == 1) continue;
                for (int i = 0; i < count; i++) sb.append("-D ").append(chain).append(' ').append(PassMark.iptablesRule()).append('\n');
                sb.append("-A ").append(chain).append(' ').append(PassMark.iptablesRule()).append('\n');
                change = true;
            }
            if (change) run(f, sb.append("COMMIT\n").toString());
        }
    }

    /** Takes the rules away (nothing when they are not there, or iptables is not installed). */
    public void remove() {
        for (Family f : Family.values()) {
            CommandResult saved = runner.run(List.of(save(f), "-t", "filter"), "", TIMEOUT);
            if (!saved.ok()) continue;
            StringBuilder sb = new StringBuilder("*filter\n");
            boolean change = false;
            for (String line : saved.stdout().split("\n")) {
                if (line.startsWith("-A ") && ours(line)) {
                    sb.append("-D ").append(line.substring(3)).append('\n');
                    change = true;
                }
            }
            if (change) run(f, sb.append("COMMIT\n").toString());
        }
    }

    /** Missing or misplaced rules, as changes (JUMP_MISSING, JUMP_NOT_FIRST for "not last"). */
    public List<Change> check() {
        List<Change> out = new ArrayList<>();
        for (Family f : Family.values()) {
            for (String chain : CHAINS) {
                List<String> rules = rules(f, chain);
                long count = rules.stream().filter(PassMarkRules::ours).count();
                if (count == 0) {
                    out.add(new Change(f, "filter", chain, PassMark.iptablesRule(), ChangeKind.JUMP_MISSING));
                } else if (!ours(rules.get(rules.size() - 1)) || count > 1) {
                    out.add(new Change(f, "filter", chain, "the pass mark rule must be the last: "
                            + rules.get(rules.size() - 1), ChangeKind.JUMP_NOT_FIRST));
                }
            }
        }
        return out;
    }

    private void run(Family f, String script) {
        CommandResult r = runner.run(List.of(restore(f), "-w", "--noflush"), script, TIMEOUT);
        if (!r.ok()) {
            throw new dev.cordon.dataplane.ApplyException("setting the not-primary pass mark rules (" + f.display() + ") in "
                    + runner.where(), r.commandLine(), r.stderr(), script);
        }
    }
}
