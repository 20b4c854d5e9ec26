package dev.cordon.ven.flows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk spool of flow batches not yet acknowledged by the PCE: one file per batch,
 * {@code <seq>-<flows>.json.gz} (the gzip'd body exactly as uploaded), written atomically (temp file + rename), and
 * a {@code next-seq} file, so a restarted VEN neither reuses a sequence number nor loses an unacknowledged batch.
 *
 * <p>Bounded: when the files exceed {@code maxBytes} (default 64 MiB) the oldest batches are deleted and their
 * flows counted in {@link #takeDropped()}, reported in the next batch. Acknowledged batches are deleted
 * ({@link #acknowledge}).
 *
 * <p>Thread ownership: the reporter thread only.
 */
public final class FlowSpool {
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d+)\\.json\\.gz");

    /** One spooled batch. */
    public record Batch(long seq, int flows, Path file) {
        public byte[] body() {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read spooled flow batch " + file, e);
            }
        }
    }

    private final Path dir;
    private final long maxBytes;
    private long nextSeq;
    private long dropped;

    private FlowSpool(Path dir, long maxBytes, long nextSeq) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.nextSeq = nextSeq;
    }

    /** Opens (creating) the spool in {@code dir}; the next seq is past every batch and the stored counter. */
    public static FlowSpool open(Path dir, long maxBytes) {
        if (maxBytes < 1 << 16) throw new IllegalArgumentException("the flow spool must allow at least 64 KiB, not " + maxBytes);
        try {
            Files.createDirectories(dir);
            long next = 1;
            Path counter = dir.resolve("next-seq");
            if (Files.exists(counter)) {
                String s = Files.readString(counter, StandardCharsets.US_ASCII).strip();
                if (s.matches("\\d{1,19}")) next = Long.parseLong(s);
            }
            FlowSpool sp = new FlowSpool(dir, maxBytes, next);
            for (Batch b : sp.pending()) sp.nextSeq = Math.max(sp.nextSeq, b.seq() + 1);
            return sp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the flow spool " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The seq the next batch gets. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Stores the gzip'd body of batch {@link #nextSeq()} (its seq is already inside) and advances the seq. */
    public Batch append(long seq, int flows, byte[] gzipBody) {
        if (seq != nextSeq) throw new IllegalArgumentException("batch seq " + seq + " is not the next one, " + nextSeq);
        try {
            Path f = dir.resolve(String.format("%020d-%d.json.gz", seq, flows));
            write(f, gzipBody);
            nextSeq = seq + 1;
            write(dir.resolve("next-seq"), Long.toString(nextSeq).getBytes(StandardCharsets.US_ASCII));
            trim();
            return new Batch(seq, flows, f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the flow spool " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes every batch up to and including {@code seq}. */
    public void acknowledge(long seq) {
        for (Batch b : pending()) {
            if (b.seq() <= seq) delete(b.file());
        }
    }

    /** The batches not yet acknowledged, oldest first. */
    public List<Batch> pending() {
        List<Batch> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) out.add(new Batch(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), f));
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the flow spool " + dir + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparingLong(Batch::seq));
        return out;
    }

    public Optional<Batch> oldest() {
        List<Batch> p = pending();
        return p.isEmpty() ? Optional.empty() : Optional.of(p.get(0));
    }

    /** Bytes the spooled batches take. */
    public long bytes() {
        long n = 0;
        for (Batch b : pending()) {
            try {
                n += Files.size(b.file());
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        return n;
    }

    /** Flows in batches the bound deleted unsent since the last call. */
    public long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }

    private void trim() {
        List<Batch> p = pending();
        long total = bytes();
        // the newest batch always stays: the bound drops the oldest data, never the batch just written
        for (int i = 0; i < p.size() - 1 && total > maxBytes; i++) {
            try {
                total -= Files.size(p.get(i).file());
            } catch (IOException e) {
                continue;
            }
            delete(p.get(i).file());
            dropped += p.get(i).flows();
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete spooled flow batch " + f + ": " + e.getMessage(), e);
        }
    }

    private void write(Path f, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(f.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
