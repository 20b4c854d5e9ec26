package dev.cordon.dataplane.nftables.apply;

import dev.cordon.dataplane.DataplaneException;
import dev.cordon.dataplane.Family;
import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.CommandRunner;
import dev.cordon.dataplane.nftables.read.LiveTable;
import dev.cordon.dataplane.nftables.read.NftJson;
import dev.cordon.dataplane.nftables.render.NftDesired;
import dev.cordon.dataplane.nftables.render.NftTable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The only place that knows the {@code nft} command lines for Cordon's own tables: one batch per write
 * ({@code nft -f -}, one kernel transaction), JSON listings per table (never {@code list ruleset}: other tools'
 * tables may hold what this nft cannot print). Both families are read in parallel.
 */
public final class Nft {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(120);
    private final CommandRunner runner;

    public Nft(CommandRunner runner) {
        this.runner = runner;
    }

    public CommandRunner runner() {
        return runner;
    }

    /** Runs one batch. */
    public CommandResult batch(String script) {
        return runner.run(List.of("nft", "-f", "-"), script, WRITE_TIMEOUT);
    }

    /** Cordon's table of a family, or empty when it does not exist; {@code terse} leaves set elements out. */
    public Optional<LiveTable> read(Family f, boolean terse) {
        List<String> argv = terse ? List.of("nft", "-j", "-t", "list", "table", NftTable.nftFamily(f), NftDesired.TABLE)
                : List.of("nft", "-j", "list", "table", NftTable.nftFamily(f), NftDesired.TABLE);
        CommandResult r = runner.run(argv, "", READ_TIMEOUT);
        if (!r.ok()) {
            if (r.stderr().contains("No such file or directory")) return Optional.empty();
            throw new DataplaneException("`" + r.commandLine() + "` failed in " + runner.where() + ": " + r.stderr().strip()
                    + ". Install nftables (apt-get install nftables) and run as root.", r.commandLine(), r.stderr());
        }
        return Optional.of(NftJson.parse(r.stdout(), terse));
    }

    /** Both families, read in parallel. */
    public Map<Family, Optional<LiveTable>> readAll(boolean terse) {
        CompletableFuture<Optional<LiveTable>> v6 = CompletableFuture.supplyAsync(() -> read(Family.V6, terse));
        Map<Family, Optional<LiveTable>> out = new EnumMap<>(Family.class);
        out.put(Family.V4, read(Family.V4, terse));
        try {
            out.put(Family.V6, v6.join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
        return out;
    }
}
