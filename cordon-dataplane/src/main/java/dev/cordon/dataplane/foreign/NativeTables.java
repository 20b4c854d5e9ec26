package dev.cordon.dataplane.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The nftables tables of a network stack as the {@code nft} tool lists them, for both backends: which tables exist,
 * their text (to set them aside in the saved firewall) and one-batch deletion. This is how exclusive mode sees
 * native nftables firewalls that {@code iptables-save} never shows. Without {@code nft} installed it sees nothing
 * (and says so through {@link #available()}).
 */
public final class NativeTables {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandRunner runner;
    private volatile Boolean available;

    public NativeTables(CommandRunner runner) {
        this.runner = runner;
    }

    /** True when {@code nft} runs here. */
    public boolean available() {
        Boolean a = available;
        if (a == null) {
            CommandResult r = runner.run("nft", "-v");
            a = r.ok() && r.stdout().contains("nftables");
            available = a;
        }
        return a;
    }

    /** Every table, in the order nft lists them; empty when {@code nft} is not installed. */
    public List<NftTableId> list() {
        if (!available()) return List.of();
        CommandResult r = listing(List.of("nft", "-j", "list", "tables"));
        List<NftTableId> parsed;
        try {
            parsed = parseTables(r.stdout());
        } catch (DataplaneException e) {
            // the same nft bug can print bytes that are not JSON at all: the text listing names every table, and
            // each one's flags are then asked in text
            parsed = textTables();
        }
        List<NftTableId> out = new ArrayList<>();
        for (NftTableId t : parsed) {
            // nft 1.0.6 prints a flagged table's "flags" in JSON as garbage: a table with any flags is asked in text
            out.add(t.owned() && !t.cordon() ? new NftTableId(t.family(), t.name(), ownedText(t)) : t);
        }
        return out;
    }

    /** The tables of {@code nft list tables} ("table FAMILY NAME" lines), each read as maybe owned. */
    private List<NftTableId> textTables() {
        CommandResult r = listing(List.of("nft", "list", "tables"));
        return parseTextTables(r.stdout());
    }

    /** "table FAMILY NAME" lines → tables, each but Cordon's read as maybe owned (flags are not in this listing). */
    public static List<NftTableId> parseTextTables(String text) {
        List<NftTableId> out = new ArrayList<>();
        for (String line : text.lines().map(String::strip).toList()) {
            String[] w = line.split("\\s+");
            if (w.length == 3 && w[0].equals("table")) out.add(new NftTableId(w[1], w[2], !new NftTableId(w[1], w[2]).cordon()));
        }
        return out;
    }

    /** True when {@code nft -t list table} shows the table's {@code flags} line with {@code owner}. */
    private boolean ownedText(NftTableId t) {
        CommandResult r = runner.run(List.of("nft", "-t", "list", "table", t.family(), t.name()), "", TIMEOUT);
        if (!r.ok()) return false;
        return r.stdout().lines().map(String::strip)
                .anyMatch(l -> l.startsWith("flags ") && List.of(l.substring(6).split("[, ]+")).contains("owner"));
    }

    /**
     * The tables in {@code nft -j list tables} output ({"nftables":[{"table":{...}}]}); "" reads as none. A table
     * is read as owned when its flags say {@code owner}, or cannot be read (nft 1.0.6 prints flags wrongly; {@link
     * #list} then asks the text listing).
     */
    public static List<NftTableId> parseTables(String json) {
        List<NftTableId> out = new ArrayList<>();
        if (json.isBlank()) return out;
        try {
            for (JsonNode item : JSON.readTree(json).path("nftables")) {
                JsonNode t = item.get("table");
                if (t != null) {
                    out.add(new NftTableId(t.path("family").asText(), t.path("name").asText(), owner(t.path("flags"))));
                }
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot read `nft -j list tables` output: " + e.getMessage());
        }
        return out;
    }

    /** nft prints one flag as a string and several as a list; a value that is no flag at all counts as "maybe". */
    private static boolean owner(JsonNode flags) {
        if (flags.isMissingNode() || flags.isNull()) return false;
        java.util.Set<String> known = java.util.Set.of("dormant", "owner", "persist");
        if (flags.isTextual()) return flags.asText().equals("owner") || !known.contains(flags.asText());
        for (JsonNode f : flags) if (f.asText().equals("owner") || !known.contains(f.asText())) return true;
        return false;
    }

    /** Every base chain of every table; empty when {@code nft} is not installed. */
    public List<NftBaseChain> baseChains() {
        if (!available()) return List.of();
        CommandResult r = listing(List.of("nft", "-j", "list", "chains"));
        return parseBaseChains(r.stdout());
    }

    /** The base chains in {@code nft -j list chains} output; regular chains are left out. */
    public static List<NftBaseChain> parseBaseChains(String json) {
        List<NftBaseChain> out = new ArrayList<>();
        if (json.isBlank()) return out;
        try {
            for (JsonNode item : JSON.readTree(json).path("nftables")) {
                JsonNode c = item.get("chain");
                if (c == null || !c.hasNonNull("hook")) continue;
                out.add(new NftBaseChain(new NftTableId(c.path("family").asText(), c.path("table").asText()),
                        c.path("name").asText(), c.path("type").asText(), c.path("hook").asText(), c.path("prio").asInt()));
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot read `nft -j list chains` output: " + e.getMessage());
        }
        return out;
    }

    /**
     * Native foreign tables (neither Cordon's nor iptables-nft's) that Cordon may act on: set aside, save, put back.
     * A table owned by another process is left out: only its owner may change or delete it, and it lives as long as
     * its owner (CoexistenceLimits reports what it makes impossible).
     */
    public List<NftTableId> nativeForeign() {
        return list().stream().filter(t -> t.nativeForeign() && !t.owned()).toList();
    }

    /** The text of the tables, as {@code nft list table} prints them: what {@code nft -f} loads back. */
    public String save(List<NftTableId> tables) {
        StringBuilder sb = new StringBuilder();
        for (NftTableId t : tables) {
            CommandResult r = runner.run(List.of("nft", "list", "table", t.family(), t.name()), "", TIMEOUT);
            if (!r.ok()) {
                throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                        + r.stderr().strip(), r.commandLine(), r.stderr());
            }
            sb.append(r.stdout());
            if (!r.stdout().endsWith("\n")) sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code delete table} lines for the tables, to go into one batch. */
    public static String deletions(List<NftTableId> tables) {
        StringBuilder sb = new StringBuilder();
        for (NftTableId t : tables) sb.append("delete table ").append(t.spec()).append('\n');
        return sb.toString();
    }

    /** Runs one {@code nft -f -} batch (all or nothing). */
    public CommandResult batch(String script) {
        return runner.run(List.of("nft", "-f", "-"), script, TIMEOUT);
    }

    /** A listing command's result; a failure (not root, no nf_tables) is a {@link DataplaneException} saying so. */
    private CommandResult listing(List<String> command) {
        CommandResult r = runner.run(command, "", TIMEOUT);
        if (!r.ok()) {
            throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                    + r.stderr().strip() + ". Run as root.", r.commandLine(), r.stderr());
        }
        return r;
    }

    public CommandRunner runner() {
        return runner;
    }
}
