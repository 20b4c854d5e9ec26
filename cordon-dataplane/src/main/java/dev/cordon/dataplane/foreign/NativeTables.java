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
        CommandResult r = runner.run(List.of("nft", "-j", "list", "tables"), "", TIMEOUT);
        if (!r.ok()) {
            throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": "
                    + r.stderr().strip() + ". Run as root.", r.commandLine(), r.stderr());
        }
        return parseTables(r.stdout());
    }

    /** The tables in {@code nft -j list tables} output ({"nftables":[{"table":{...}}]}); "" reads as none. */
    public static List<NftTableId> parseTables(String json) {
        List<NftTableId> out = new ArrayList<>();
        if (json.isBlank()) return out;
        try {
            for (JsonNode item : JSON.readTree(json).path("nftables")) {
                JsonNode t = item.get("table");
                if (t != null) out.add(new NftTableId(t.path("family").asText(), t.path("name").asText()));
            }
        } catch (IOException e) {
            throw new DataplaneException("cannot read `nft -j list tables` output: " + e.getMessage());
        }
        return out;
    }

    /** Native foreign tables (neither Cordon's nor iptables-nft's). */
    public List<NftTableId> nativeForeign() {
        return list().stream().filter(NftTableId::nativeForeign).toList();
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

    public CommandRunner runner() {
        return runner;
    }
}
