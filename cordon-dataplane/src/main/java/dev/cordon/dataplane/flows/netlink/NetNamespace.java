package dev.cordon.dataplane.flows.netlink;

import com.sun.jna.LastErrorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of code inside a named network namespace ({@code ip netns add NAME}), the way {@code ip netns exec}
 * does for a process, but for one thread: a fresh thread calls {@code setns(2)} with the namespace's file and then
 * the code. Sockets opened there stay in that namespace for their whole life, whichever thread reads them later;
 * the thread itself ends after the call, so no pooled thread is ever left in a foreign namespace.
 */
public final class NetNamespace {
    private NetNamespace() {}

    /** The namespace file of {@code name} ({@code /run/netns/NAME}), if it exists. */
    public static Optional<Path> file(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("network namespace name '" + name + "' is not valid: use letters,"
                    + " digits, '.', '_' or '-' (as `ip netns list` shows it)");
        }
        for (String dir : new String[] {"/run/netns", "/var/run/netns"}) {
            Path p = Path.of(dir, name);
            if (Files.exists(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Calls {@code body} in namespace {@code name}, or on the calling thread's own namespace when it is empty. */
    public static <T> T call(Optional<String> name, Callable<T> body) {
        if (name.isEmpty()) return unchecked(body);
        Path ns = file(name.get()).orElseThrow(() -> new NetlinkException("there is no network namespace '"
                + name.get() + "' (`ip netns list` shows them)", 0));
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                int fd = LibC.C.open(ns.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                try {
                    LibC.C.setns(fd, LibC.CLONE_NEWNET);
                } finally {
                    LibC.C.close(fd);
                }
                result.set(unchecked(body));
            } catch (LastErrorException e) {
                failure.set(new NetlinkException("cannot enter network namespace " + name.get() + ": errno "
                        + e.getErrorCode() + " (entering a namespace needs root, CAP_SYS_ADMIN)", e.getErrorCode()));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "cordon-netns-" + name.get());
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted while entering network namespace " + name.get(), LibC.EINTR);
        }
        if (failure.get() != null) throw failure.get();
        return result.get();
    }

    private static <T> T unchecked(Callable<T> body) {
        try {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new NetlinkException(e.getMessage(), 0);
        }
    }
}
