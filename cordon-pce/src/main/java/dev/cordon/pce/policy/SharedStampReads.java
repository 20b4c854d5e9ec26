package dev.cordon.pce.policy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Reads of an org's live stamps shared by the requests that arrive together, on a node sharing PostgreSQL.
 *
 * <p>Why: there every policy look-up reads the stamps (one query), so that it sees a write another node committed
 * before the request. 12,500 VENs of one node asking at once (a fetch after a provision, a reconnect storm) made
 * 12,500 queries that queued on a pool of 10 connections; requests that waited more than 5 s were refused (503).
 *
 * <p>Why it is still read-your-writes: a read that <em>started</em> after a request arrived sees every write
 * committed before that request. So at most one read per org is in flight; a request arriving meanwhile waits for
 * the next read, which starts when the one in flight ends and serves every request that arrived before it started.
 * N requests at once cost about two reads instead of N, each at most two reads' time late.
 *
 * <p>Threads: request threads; per org one monitor guards {@code pending} and {@code running}. The request that
 * finds no read running makes the read itself, on its own thread.
 */
final class SharedStampReads {
    private final IntFunction<PolicyInputs.Stamp> read;
    private final Map<Integer, Org> orgs = new ConcurrentHashMap<>();

    /** One org's reads: the read the requests arriving now will share, and whether a read is in flight. */
    private static final class Org {
        CompletableFuture<PolicyInputs.Stamp> pending;
        boolean running;
    }

    SharedStampReads(IntFunction<PolicyInputs.Stamp> read) {
        this.read = read;
    }

    /** Stamps read by a query that started after this call: as new as every write committed before it. */
    PolicyInputs.Stamp read(int org) {
        Org o = orgs.computeIfAbsent(org, k -> new Org());
        CompletableFuture<PolicyInputs.Stamp> mine;
        synchronized (o) {
            if (o.pending == null) o.pending = new CompletableFuture<>();
            mine = o.pending;
            while (o.running && !mine.isDone()) {
                try {
                    o.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the live stamps", e);
                }
            }
            if (!mine.isDone()) {
                // no read in flight and nobody took this batch yet: read for everyone who joined it
                o.running = true;
                o.pending = null;
            }
        }
        if (!mine.isDone()) {
            try {
                mine.complete(read.apply(org));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                synchronized (o) {
                    o.running = false;
                    o.notifyAll();
                }
            }
        }
        try {
            return mine.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r; // e.g. 503 database_unavailable, as a lone read
            throw e;
        }
    }
}
