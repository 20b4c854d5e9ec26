package dev.cordon.pce.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The simulated VENs' policy connections: one plain HTTP/1.1 keep-alive connection per VEN, all driven by one
 * selector thread.
 *
 * <p>Why not {@code java.net.http}: holding 10,000 connections, the JDK client spent about half a millisecond of CPU
 * per response in its per-connection machinery, and the simulated VENs share two cores with the PCE, so the bench
 * measured the client more than the PCE. This client does only what a VEN's policy poll needs: it writes a
 * {@code GET}, reads the whole response (status line, headers, then a {@code Content-Length}, chunked or
 * close-delimited body) and hands back the status and the body bytes. A VEN keeps its connection from one poll to
 * the next, as a real VEN does; a connection the server closed is opened again by the VEN's next request.
 *
 * <p>Invariants: a VEN has at most one exchange in flight (a new request while the previous one is unanswered is a
 * bug in the caller and fails); a request whose future was completed from outside (a timeout) abandons its connection,
 * so a late answer can never be taken for the next request's. Futures complete on the I/O thread: callbacks must be
 * short and must not block.
 */
final class VenConnections implements AutoCloseable {
    /** A whole HTTP response: status code and body (decoded from chunks when chunked). */
    record Response(int status, byte[] body) {}

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private final InetSocketAddress server;
    private final String host;
    private final Conn[] conns;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread io;
    private volatile boolean closed;

    VenConnections(InetSocketAddress server, int vens) {
        this.server = server;
        this.host = server.getHostString() + ":" + server.getPort();
        this.conns = new Conn[vens];
        for (int i = 0; i < vens; i++) conns[i] = new Conn();
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open a selector for the simulated VENs: " + e.getMessage(), e);
        }
        io = new Thread(this::loop, "cordon-bench-vens");
        io.setDaemon(true);
        io.start();
    }

    /** The id of the one I/O thread (its CPU time is the load generator's own cost: {@link FleetClient}). */
    long ioThreadId() {
        return io.getId();
    }

    /** Sends {@code GET target} on VEN {@code ven}'s connection; completes with the whole response. */
    CompletableFuture<Response> get(int ven, String target, String authorization) {
        byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + authorization
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        CompletableFuture<Response> f = new CompletableFuture<>();
        tasks.add(() -> start(conns[ven], request, f));
        selector.wakeup();
        return f;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            io.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!closed) {
                selector.select();
                for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) t.run();
                for (SelectionKey k : selector.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    try {
                        if (k.isValid() && k.isConnectable()) connected(c);
                        if (k.isValid() && k.isWritable()) write(c);
                        if (k.isValid() && k.isReadable()) read(c);
                    } catch (IOException | RuntimeException e) {
                        fail(c, e);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // the bench reports VENs that never got their answer; nothing more to do here
        } finally {
            for (Conn c : conns) fail(c, new IOException("the simulated VENs were closed"));
            try {
                selector.close();
            } catch (IOException e) {
                // closing at the end of the bench
            }
        }
    }

    private void start(Conn c, byte[] request, CompletableFuture<Response> f) {
        if (c.pending != null) {
            if (!c.pending.isDone()) {
                f.completeExceptionally(new IllegalStateException("a VEN sent a request before its last was answered"));
                return;
            }
            drop(c); // abandoned (timed out): its answer may still arrive, so this connection cannot be reused
        }
        c.pending = f;
        c.out = ByteBuffer.wrap(request);
        c.len = 0;
        try {
            if (c.channel == null) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.channel = ch;
                if (ch.connect(server)) {
                    c.key = ch.register(selector, 0, c);
                    write(c);
                } else {
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } else {
                write(c);
            }
        } catch (IOException | RuntimeException e) {
            fail(c, e);
        }
    }

    private void connected(Conn c) throws IOException {
        if (c.channel.finishConnect()) write(c);
    }

    private void write(Conn c) throws IOException {
        c.channel.write(c.out);
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE);
        } else {
            c.out = null;
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void read(Conn c) throws IOException {
        while (true) {
            readBuffer.clear();
            int n = c.channel.read(readBuffer);
            if (n < 0) {
                Response r = c.pending == null ? null : parse(c, true);
                CompletableFuture<Response> f = c.pending;
                drop(c);
                if (r != null) f.complete(r);
                else if (f != null) f.completeExceptionally(new IOException("the PCE closed the connection"));
                return;
            }
            if (n == 0) return;
            readBuffer.flip();
            if (c.buf == null) c.buf = new byte[Math.max(2048, n)];
            else if (c.len + n > c.buf.length) c.buf = Arrays.copyOf(c.buf, Math.max(c.buf.length * 2, c.len + n));
            readBuffer.get(c.buf, c.len, n);
            c.len += n;
            if (c.pending == null) continue; // nothing asked: bytes the server should not have sent
            Response r = parse(c, false);
            if (r != null) {
                CompletableFuture<Response> f = c.pending;
                c.pending = null;
                c.buf = null;
                c.len = 0;
                c.key.interestOps(0);
                if (c.closeAfter) drop(c);
                f.complete(r);
                return;
            }
        }
    }

    /** The response in {@code c.buf}, or null while it is incomplete; {@code eof}: the server closed the connection. */
    private static Response parse(Conn c, boolean eof) {
        if (c.buf == null) return null;
        int headerEnd = indexOf(c.buf, c.len, HEADER_END, 0);
        if (headerEnd < 0) return null;
        String head = new String(c.buf, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) throw new IllegalStateException("not an HTTP response: " + lines[0]);
        int code = Integer.parseInt(status[1]);
        long length = -1;
        boolean chunked = false;
        c.closeAfter = status[0].equals("HTTP/1.0");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) continue;
            String name = lines[i].substring(0, colon).trim();
            String value = lines[i].substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.toLowerCase().contains("chunked");
            else if (name.equalsIgnoreCase("Connection")) c.closeAfter = value.equalsIgnoreCase("close");
        }
        int bodyStart = headerEnd + HEADER_END.length;
        if (code == 204 || code == 304 || (code >= 100 && code < 200)) return new Response(code, new byte[0]);
        if (chunked) return dechunk(c.buf, bodyStart, c.len, code);
        if (length >= 0) {
            return c.len - bodyStart < length ? null
                    : new Response(code, Arrays.copyOfRange(c.buf, bodyStart, bodyStart + (int) length));
        }
        c.closeAfter = true;
        return eof ? new Response(code, Arrays.copyOfRange(c.buf, bodyStart, c.len)) : null;
    }

    private static Response dechunk(byte[] buf, int from, int to, int code) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int at = from;
        while (true) {
            int eol = indexOf(buf, to, new byte[] {'\r', '\n'}, at);
            if (eol < 0) return null;
            String size = new String(buf, at, eol - at, StandardCharsets.ISO_8859_1);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            at = eol + 2;
            if (n == 0) {
                // trailers, if any, end with an empty line
                int end = indexOf(buf, to, new byte[] {'\r', '\n'}, at);
                while (end > at) {
                    at = end + 2;
                    end = indexOf(buf, to, new byte[] {'\r', '\n'}, at);
                }
                return end < 0 ? null : new Response(code, body.toByteArray());
            }
            if (to - at < n + 2) return null;
            body.write(buf, at, n);
            at += n + 2;
        }
    }

    private static int indexOf(byte[] buf, int len, byte[] what, int from) {
        outer:
        for (int i = from; i <= len - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (buf[i + j] != what[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private void fail(Conn c, Throwable e) {
        CompletableFuture<Response> f = c.pending;
        drop(c);
        if (f != null) f.completeExceptionally(e);
    }

    /** Closes a VEN's connection; its next request opens a new one. */
    private static void drop(Conn c) {
        if (c.key != null) c.key.cancel();
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // already broken
            }
        }
        c.channel = null;
        c.key = null;
        c.pending = null;
        c.out = null;
        c.buf = null;
        c.len = 0;
        c.closeAfter = false;
    }

    /**
     * One VEN's connection and its exchange in flight; touched only by the I/O thread. Buffers exist only while an
     * exchange needs them, so 10,000 idle or parked connections hold no buffers the bench's collector must copy.
     */
    private static final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        CompletableFuture<Response> pending;
        byte[] buf;
        int len;
        boolean closeAfter;
    }
}
