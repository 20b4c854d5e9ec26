package dev.cordon.dataplane.exec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for work a backend ran beside its own (a read-back while it writes), with the work's own exception. */
public final class Futures {
    private Futures() {}

    /** The result; a {@link RuntimeException} the work threw is rethrown as itself, not wrapped. */
    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }
}
