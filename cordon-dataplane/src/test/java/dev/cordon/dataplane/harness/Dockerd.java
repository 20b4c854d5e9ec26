package dev.cordon.dataplane.harness;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Docker daemon (Debian's {@code docker.io}) inside a network namespace a test created, for the Docker
 * coexistence tests. It is started with {@code nsenter --net=} (not {@code ip netns exec}, which remounts /sys and
 * hides the cgroup mounts dockerd needs), the vfs storage driver and its own data root, exec root, pid file and
 * socket in a temporary directory, with {@code --iptables=true}, so it programs the namespace's iptables as it
 * would a host's. No registry is reachable: {@link #importBusybox} builds the one image from the static busybox.
 *
 * <p>{@link #close()} removes every container, stops the daemon (and kills, by pid, any containerd or shim left
 * under its directories), unmounts what is left there and deletes the directory; the caller deletes the namespace,
 * which takes the iptables rules dockerd made with it. Missing parts fail with what to install, under CI=true too.
 */
public final class Dockerd implements AutoCloseable {
    /** Debian's docker.io client; a docker CLI elsewhere on PATH may not speak to this daemon's API version. */
    static final Path CLIENT = Path.of("/usr/bin/docker");
    static final Path DAEMON = Path.of("/usr/sbin/dockerd");
    /** busybox-static's binary: statically linked, so it alone makes a working root file system. */
    static final Path BUSYBOX = Path.of("/bin/busybox");
    public static final String IMAGE = "cordon-busybox:test";
    private static final ProcessCommandRunner ROOT = ProcessCommandRunner.host();

    private final String netns;
    private final Path dir;
    private Process daemon;

    private Dockerd(String netns, Path dir) {
        this.netns = netns;
        this.dir = dir;
    }

    /** Fails (never skips) with what to install when dockerd, its client or the static busybox is missing. */
    public static void require() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(DAEMON) || !Files.isExecutable(CLIENT)) missing.add("docker.io");
        if (!Files.isExecutable(BUSYBOX)) {
            missing.add("busybox-static");
        } else {
            CommandResult ldd = ROOT.run("ldd", BUSYBOX.toString());
            // a dynamically linked busybox (Debian's "busybox") cannot run alone in an image
            if (!(ldd.stdout() + ldd.stderr()).contains("not a dynamic")) missing.add("busybox-static");
        }
        if (!ROOT.run("nsenter", "--version").ok()) missing.add("util-linux (nsenter)");
        if (!missing.isEmpty()) {
            String ci = "true".equals(System.getenv("CI")) ? " (CI=true: Docker tests never skip)" : "";
            throw new AssertionError("the Docker coexistence tests need " + String.join(", ", missing) + ci
                    + ": apt-get install -y docker.io busybox-static (scripts/test installs them when missing)");
        }
    }

    /** Starts dockerd in the named network namespace and waits until it answers. */
    public static Dockerd start(String netns) {
        require();
        Path dir;
        try {
            dir = Files.createTempDirectory("cordon-dockerd-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for dockerd", e);
        }
        Dockerd d = new Dockerd(netns, dir);
        try {
            d.startDaemon();
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void startDaemon() {
        List<String> argv = List.of("nsenter", "--net=/var/run/netns/" + netns, DAEMON.toString(),
                "--storage-driver", "vfs", "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("dockerd.pid").toString(),
                "-H", "unix://" + socket(), "--iptables=true", "--ip6tables=false");
        try {
            daemon = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dockerd", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) throw new IllegalStateException("dockerd exited at start:\n" + log());
            if (client(List.of("version", "--format", "{{.Server.Version}}"), Duration.ofSeconds(5)).ok()) return;
            sleep(200);
        }
        throw new IllegalStateException("dockerd did not answer within 60 s:\n" + log());
    }

    /** Stops the daemon (containers with a restart policy come back with it) and starts it again. */
    public void restart() {
        stopDaemon();
        startDaemon();
    }

    private Path socket() {
        return dir.resolve("docker.sock");
    }

    /** The tail of the daemon's log, for failure messages. */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no dockerd log: " + e.getMessage() + ")";
        }
    }

    /** Runs a docker client command against this daemon; fails the test when it fails. */
    public String docker(String... args) {
        CommandResult r = client(List.of(args), Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IllegalStateException("`docker " + String.join(" ", args) + "` failed: " + r.stderr().strip()
                    + "\n" + log());
        }
        return r.stdout().strip();
    }

    /** Runs a docker client command against this daemon and returns its result, failed or not. */
    public CommandResult tryDocker(String... args) {
        return client(List.of(args), Duration.ofSeconds(60));
    }

    private CommandResult client(List<String> args, Duration timeout) {
        List<String> argv = new ArrayList<>(List.of(CLIENT.toString(), "-H", "unix://" + socket()));
        argv.addAll(args);
        return ROOT.run(argv, "", timeout);
    }

    /**
     * Imports {@link #IMAGE}: a root file system of {@code /bin/busybox} and {@code /www/index.html} holding
     * {@code page}, made into a tarball here (no registry is reachable).
     */
    public void importBusybox(String page) {
        Path root = dir.resolve("rootfs");
        try {
            Files.createDirectories(root.resolve("bin"));
            Files.createDirectories(root.resolve("www"));
            Files.copy(BUSYBOX, root.resolve("bin/busybox"));
            root.resolve("bin/busybox").toFile().setExecutable(true, false);
            Files.writeString(root.resolve("www/index.html"), page + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the busybox root file system", e);
        }
        Path tar = dir.resolve("busybox.tar");
        CommandResult t = ROOT.run("tar", "-C", root.toString(), "-cf", tar.toString(), ".");
        if (!t.ok()) throw new IllegalStateException("tar failed: " + t.stderr());
        docker("import", tar.toString(), IMAGE);
    }

    @Override
    public void close() {
        if (daemon != null && daemon.isAlive()) {
            CommandResult ps = client(List.of("ps", "-aq"), Duration.ofSeconds(20));
            for (String id : ps.ok() ? ps.stdout().strip().split("\\s+") : new String[0]) {
                if (!id.isBlank()) client(List.of("rm", "-f", id), Duration.ofSeconds(30));
            }
        }
        stopDaemon();
        killLeftovers();
        unmountUnder();
        deleteTree(dir);
    }

    private void stopDaemon() {
        if (daemon == null) return;
        daemon.destroy();
        try {
            if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon = null;
    }

    /** containerd and shims that outlived dockerd: only processes whose command line names this directory. */
    private void killLeftovers() {
        String mine = dir.toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains(mine)) ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                } catch (IOException ignored) {
                    // the process ended while we looked
                }
            }
        } catch (IOException ignored) {
            // /proc unreadable: nothing to kill we could find
        }
    }

    private void unmountUnder() {
        try {
            List<String> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" ")[1]).filter(m -> m.startsWith(dir.toString()))
                    .sorted(Comparator.reverseOrder()).toList();
            for (String m : mounts) ROOT.run("umount", "-l", m);
        } catch (IOException ignored) {
            // no mount table: nothing to unmount we could find
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        ROOT.run("rm", "-rf", "--one-file-system", dir.toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
