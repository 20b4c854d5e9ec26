package dev.cordon.dataplane.iptables.render;

import dev.cordon.dataplane.iptables.render.ChainSpec;
import dev.cordon.dataplane.iptables.render.JumpSpec;
import dev.cordon.dataplane.iptables.render.TableSpec;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.policy.compile.Coexistence;
import java.util.List;

/**
 * Turns a desired {@link TableSpec} plus the live table into the one {@code iptables-restore} batch that moves
 * the kernel from one to the other (the smallest atomic change for the table).
 *
 * <ul>
 *   <li>exclusive: the whole table, without {@code --noflush}: built-in chains hold only Cordon's jumps, every
 *       foreign chain and rule is gone; which built-in chains it declares is {@link Builtins};</li>
 *   <li>coexistence: {@code --noflush}; Cordon chains that exist are flushed ({@code -F}) and new ones declared;
 *       Cordon's live jumps are deleted by their exact read-back text and re-inserted at position 1 (primary) or
 *       appended (not primary); Cordon chains no longer wanted are flushed and deleted. Foreign rules are never
 *       named.</li>
 * </ul>
 */
public final class RestoreScript {
    private RestoreScript() {}

    /**
     * The built-in chains a whole-table (exclusive) script declares. iptables-nft deletes a table restored without
     * {@code --noflush} and creates only the chains the text names, each an nf_tables base chain on its hook: an
     * empty one still costs every packet a hook call, and an empty {@code nat} table registers the NAT hooks, which
     * give every new connection a NAT binding (with empty raw and nat tables and mangle's unused OUTPUT and
     * POSTROUTING, a connect cost 0.87 of the minimal stateful firewall's rate at 10k rules; docs/benchmarks.md).
     * So there only the chains Cordon jumps from are declared ({@link #USED}), and a table Cordon has nothing in is
     * restored as {@code *table} and {@code COMMIT}: gone. Legacy iptables keeps every built-in chain of a table and
     * only a declaration resets its policy, so there all are declared ({@link #ALL}; also {@link DesiredState#text()}).
     */
    public enum Builtins { ALL, USED }

    /** True when the coexistence state applies tables with {@code --noflush}. */
    public static boolean noflush(Coexistence c) {
        return c != Coexistence.EXCLUSIVE;
    }

    /** The script for a host where Cordon has nothing in this table yet. */
    public static String fresh(TableSpec t, Coexistence c) {
        return script(t, c, null, Builtins.ALL);
    }

    /** {@link #fresh(TableSpec, Coexistence)} declaring the built-in chains {@code b} says. */
    public static String fresh(TableSpec t, Coexistence c, Builtins b) {
        return script(t, c, null, b);
    }

    /** The script that moves {@code live} (null when the table is absent) to {@code desired}. */
    public static String script(TableSpec desired, Coexistence c, SavedTable live) {
        return script(desired, c, live, Builtins.ALL);
    }

    /** {@link #script(TableSpec, Coexistence, SavedTable)} declaring the built-in chains {@code builtins} says. */
    public static String script(TableSpec desired, Coexistence c, SavedTable live, Builtins builtins) {
        StringBuilder sb = new StringBuilder("*").append(desired.table()).append('\n');
        if (!noflush(c)) {
            for (String b : TableSpec.builtins(desired.table())) {
                if (builtins == Builtins.USED && desired.jumps().stream().noneMatch(j -> j.builtin().equals(b))) continue;
                sb.append(':').append(b).append(" ACCEPT [0:0]\n");
            }
            for (ChainSpec ch : desired.chains()) sb.append(':').append(ch.name()).append(" - [0:0]\n");
            for (JumpSpec j : desired.jumps()) sb.append("-A ").append(j.builtin()).append(' ').append(j.rule()).append('\n');
        } else {
            for (ChainSpec ch : desired.chains()) {
                if (live != null && live.hasChain(ch.name())) sb.append("-F ").append(ch.name()).append('\n');
                else sb.append(':').append(ch.name()).append(" - [0:0]\n");
            }
            appendJumpDeletes(sb, live);
            for (JumpSpec j : desired.jumps()) {
                if (c == Coexistence.PRIMARY) sb.append("-I ").append(j.builtin()).append(" 1 ");
                else sb.append("-A ").append(j.builtin()).append(' ');
                sb.append(j.rule()).append('\n');
            }
            if (live != null) {
                List<String> obsolete = live.policies().keySet().stream().filter(RestoreScript::isCordonChain)
                        .filter(n -> desired.chains().stream().noneMatch(ch -> ch.name().equals(n))).toList();
                for (String n : obsolete) sb.append("-F ").append(n).append('\n');
                for (String n : obsolete) sb.append("-X ").append(n).append('\n');
            }
        }
        for (ChainSpec ch : desired.chains()) {
            for (String r : ch.rules()) sb.append("-A ").append(ch.name()).append(' ').append(r).append('\n');
        }
        return sb.append("COMMIT\n").toString();
    }

    /** The {@code --noflush} script that takes Cordon's jumps and chains out of a live table, or null if none. */
    public static String removal(SavedTable live) {
        StringBuilder sb = new StringBuilder("*").append(live.table()).append('\n');
        int before = sb.length();
        appendJumpDeletes(sb, live);
        List<String> own = live.policies().keySet().stream().filter(RestoreScript::isCordonChain).toList();
        for (String n : own) sb.append("-F ").append(n).append('\n');
        for (String n : own) sb.append("-X ").append(n).append('\n');
        if (sb.length() == before) return null;
        return sb.append("COMMIT\n").toString();
    }

    public static boolean isCordonChain(String name) {
        return name.startsWith("CORDON");
    }

    private static void appendJumpDeletes(StringBuilder sb, SavedTable live) {
        if (live == null) return;
        live.rules().forEach((chain, rules) -> {
            if (isCordonChain(chain)) return;
            for (String r : rules) {
                if (JumpSpec.isCordonJump(r)) sb.append("-D ").append(chain).append(' ').append(r).append('\n');
            }
        });
    }
}
