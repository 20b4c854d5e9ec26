package dev.cordon.pce.bench;

import dev.cordon.pce.PceServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * One PCE node of {@link FleetBench}, in a process of its own: plain HTTP on loopback, on the given port, on the
 * shared PostgreSQL database, its data directory (TLS and key files) a temporary directory removed when it ends
 * (standard input closed, or SIGTERM/SIGINT). Heartbeat timeout 2 h: the simulated VENs heartbeat only in the
 * heartbeat phase.
 *
 * <p>Arguments: {@code JDBC_URL PORT [ADVERTISE,...]}. Answers on standard output ({@link Child#REPLY} lines):
 * first {@code ready PORT KEY} (the owner's API key if this node created the org, else {@code -}); then
 * {@code waiting} → the number of parked policy polls; {@code heap} → {@code heap USED PEAK MAX} (bytes: heap in use
 * now, the most in use at any 50 ms sample since the previous {@code heap}, the maximum); {@code gc} → {@code live BYTES} (heap in use after
 * a full collection); {@code prebuilt} → how many engines of versions provisioned on another node this node took
 * built before their commit.
 */
public final class FleetNode {
    private static PceServer pce;
    private static Path dir;
    private static final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();

    private FleetNode() {}

    public static void main(String[] args) throws IOException {
        dir = Files.createTempDirectory("cordon-bench-node");
        Runtime.getRuntime().addShutdownHook(new Thread(FleetNode::cleanUp));
        try {
            List<dev.cordon.policy.compile.Endpoint> advertise = args.length > 2 && !args[2].isEmpty()
                    ? Arrays.stream(args[2].split(",")).map(PceServer.Config::endpoint).toList() : List.of();
            // the simulated VENs heartbeat only in the heartbeat phase, and activating 25,000 of them takes minutes: with
            // the 10-minute default the first ones were marked missed (a write and a NOTIFY each) while the rest
            // activated and polled, which is not what the bench measures
            pce = new PceServer(new PceServer.Config(dir, args[0], "127.0.0.1", Integer.parseInt(args[1]), true)
                    .withAdvertise(advertise).withHeartbeatTimeout(Duration.ofHours(2)),
                    new PrintStream(new ByteArrayOutputStream()));
            pce.start();
            samplePeak();
            Path key = pce.ownerKeyFile();
            reply("ready " + pce.port() + " " + (Files.exists(key) ? Files.readString(key).trim() : "-"));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.trim()) {
                    case "waiting" -> reply(Integer.toString(pce.vens().polls().waitingCount()));
                    case "prebuilt" -> reply(Long.toString(pce.vens().polls().prebuiltEngines()));
                    case "heap" -> reply("heap " + heapUsed() + " " + heapPeak() + " "
                            + Runtime.getRuntime().maxMemory());
                    case "gc" -> {
                        System.gc();
                        reply("live " + heapUsed());
                    }
                    default -> reply("error unknown command " + line);
                }
            }
        } catch (RuntimeException e) {
            reply("error " + e.getMessage());
        } finally {
            cleanUp();
        }
        System.exit(0);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The most heap in use at any sample since the last {@code heap} question (every 50 ms; in use, not live). */
    private static long heapPeak() {
        return peak.getAndSet(heapUsed());
    }

    private static void samplePeak() {
        Thread t = new Thread(() -> {
            while (true) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cordon-bench-heap");
        t.setDaemon(true);
        t.start();
    }

    private static synchronized void cleanUp() {
        if (pce != null) {
            try {
                pce.stop();
            } catch (RuntimeException e) {
                // stopping anyway: the database is the coordinator's to remove
            }
            pce = null;
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind is harmless
            }
            dir = null;
        }
    }

    private static void reply(String s) {
        System.out.println(Child.REPLY + s);
        System.out.flush();
    }
}
