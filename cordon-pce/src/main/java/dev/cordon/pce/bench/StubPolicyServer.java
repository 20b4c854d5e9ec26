package dev.cordon.pce.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stub HTTP/1.1 server that answers every request with the same prebuilt 200 response, on one selector thread:
 * the least work a server can do per response, so that a client fetching from it measures the client
 * ({@link FleetClient}'s load-generator baseline). Keep-alive; pipelined requests are answered in order. While
 * {@link #hold holding}, requests are read and counted but not answered until {@link #release}, as a PCE holds parked
 * long polls until a provision: the time from the release to the last answer read is the client's cost of what it does
 * after a provision.
 */
final class StubPolicyServer implements AutoCloseable {
    private static final byte[] END = {'\r', '\n', '\r', '\n'};
    private final byte[] response;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread io;
    private final List<SocketChannel> open = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean holding;
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean releaseAll;

    /** A connection's unfinished request bytes (how many of {@link #END} were matched) and unwritten responses. */
    private static final class Conn {
        int matched;
        int owed;
        ByteBuffer out;
    }

    StubPolicyServer(byte[] body) {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        response = new byte[h.length + body.length];
        System.arraycopy(h, 0, response, 0, h.length);
        System.arraycopy(body, 0, response, h.length, body.length);
        try {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the bench's stub server: " + e.getMessage(), e);
        }
        io = new Thread(this::loop, "cordon-bench-stub");
        io.setDaemon(true);
        io.start();
    }

    /** From now on, requests are held unanswered until {@link #release}. */
    void hold() {
        holding = true;
    }

    /** How many requests are held now. */
    int held() {
        return held.get();
    }

    /** Answers every held request, and every later one at once. */
    void release() {
        holding = false;
        releaseAll = true;
        selector.wakeup();
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (!closed) {
                selector.select();
                if (releaseAll) {
                    releaseAll = false;
                    for (SelectionKey k : selector.keys()) {
                        if (k.isValid() && k.attachment() instanceof Conn c && c.owed > 0) {
                            try {
                                answer(k, (SocketChannel) k.channel(), c);
                            } catch (IOException e) {
                                k.cancel();
                                k.channel().close();
                            }
                        }
                    }
                }
                for (SelectionKey k : selector.selectedKeys()) {
                    try {
                        if (k.isValid() && k.isAcceptable()) accept();
                        else if (k.isValid()) serve(k, in);
                    } catch (IOException e) {
                        k.cancel();
                        k.channel().close();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // closing
        }
    }

    private void accept() throws IOException {
        for (SocketChannel ch = server.accept(); ch != null; ch = server.accept()) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, new Conn());
            open.add(ch);
        }
    }

    private void serve(SelectionKey k, ByteBuffer in) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        Conn c = (Conn) k.attachment();
        if (k.isReadable()) {
            while (true) {
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    k.cancel();
                    ch.close();
                    return;
                }
                if (n == 0) break;
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    c.matched = b == END[c.matched] ? c.matched + 1 : (b == END[0] ? 1 : 0);
                    if (c.matched == END.length) {
                        c.matched = 0;
                        c.owed++;
                        if (holding) held.incrementAndGet();
                    }
                }
            }
        }
        if (holding) return;
        answer(k, ch, c);
    }

    private void answer(SelectionKey k, SocketChannel ch, Conn c) throws IOException {
        while (true) {
            if (c.out == null) {
                if (c.owed == 0) break;
                c.owed--;
                c.out = ByteBuffer.wrap(response);
            }
            ch.write(c.out);
            if (c.out.hasRemaining()) break;
            c.out = null;
        }
        k.interestOps(c.out != null ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            io.join(5000);
            for (SocketChannel ch : open) ch.close();
            server.close();
            selector.close();
        } catch (IOException e) {
            // closing at the end of the bench
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
