package dev.cordon.cli.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On H2 every acknowledged write is forced to disk before its answer: {@code strace} attached to a real PCE counts
 * the fsync/fdatasync calls while it creates labels one after another, at least one per acknowledged write (a power
 * loss itself cannot be simulated here; this shows the commit reached the disk's cache flush before the 201).
 */
class FsyncPerWriteIT {
    static final int WRITES = 50;

    @Test
    void everyAcknowledgedWriteIsSyncedOnH2() throws Exception {
        assertThat(Path.of("/usr/bin/strace")).as("strace (scripts/test installs it)").isExecutable();
        Path dir = Files.createTempDirectory("cordon-fsync-");
        Path trace = dir.resolve("strace.out");
        Process strace = null;
        try (PceProcess pce = new PceProcess(dir.resolve("data"), null)) {
            pce.start();
            Api api = new Api(pce.base(), pce.ownerKey());
            strace = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", trace.toString(),
                    "-p", Long.toString(pce.pid())).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("strace.log").toFile()).start();
            // attached once a write's sync shows in the trace
            int warm = 0;
            while (syncs(trace) == 0) {
                assertThat(strace.isAlive()).as("strace runs").isTrue();
                assertThat(warm).as("strace sees the PCE's syncs within 30 s").isLessThan(300);
                create(api, "warm-" + warm++);
                Thread.sleep(100);
            }
            Thread.sleep(500);
            long before = syncs(trace);
            for (int i = 0; i < 20; i++) assertThat(api.get("/orgs/1/labels").status()).isEqualTo(200);
            Thread.sleep(300);
            long afterReads = syncs(trace);
            for (int i = 0; i < WRITES; i++) create(api, "w-" + i);
            Thread.sleep(300);
            long afterWrites = syncs(trace);
            System.out.printf("fsync per write (H2): %d acknowledged label creates → %d fsync/fdatasync calls"
                    + " (20 reads → %d)%n", WRITES, afterWrites - afterReads, afterReads - before);
            assertThat(afterWrites - afterReads).isGreaterThanOrEqualTo(WRITES);
        } finally {
            if (strace != null) {
                strace.destroy();
                strace.waitFor(30, TimeUnit.SECONDS);
            }
            PceProcess.deleteTree(dir);
        }
    }

    private static void create(Api api, String value) throws Exception {
        Api.Answer a = api.post("/orgs/1/labels", "{\"key\":\"app\",\"value\":\"" + value + "\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    /** Sync calls in the trace so far (a call split into unfinished/resumed lines counts once). */
    private static long syncs(Path trace) throws Exception {
        if (!Files.exists(trace)) return 0;
        try (var lines = Files.lines(trace)) {
            return lines.filter(l -> l.contains("fsync(") || l.contains("fdatasync(")).count();
        }
    }
}
