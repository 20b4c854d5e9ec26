package dev.cordon.dataplane.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A native nftables table with {@code flags owner}, as firewalld creates its own: only the process holding the
 * creating netlink socket may change or delete it, and the table goes when that process ends. The owner here is a
 * small python3 program (raw netlink, no library) in the test's namespace that creates {@code table inet NAME} with
 * an input base chain at priority 0, policy accept, and then waits; {@link #close()} ends it (by its own pid), which
 * takes the table away.
 */
public final class OwnedTable implements AutoCloseable {
    private static final String SCRIPT = String.join("\n",
            "import socket, struct, sys",
            "name = sys.argv[1].encode() + b'\\0'",
            "def attr(t, v):",
            "    a = struct.pack('=HH', 4 + len(v), t) + v",
            "    return a + b'\\0' * ((4 - len(a) % 4) % 4)",
            "def msg(t, flags, family, res, payload, seq):",
            "    body = struct.pack('=BBH', family, 0, socket.htons(res)) + payload",
            "    return struct.pack('=IHHII', 16 + len(body), t, flags, seq, 0) + body",
            "REQ, ACK, CREATE = 1, 4, 0x400",
            "INET = 1",
            "table = attr(1, name) + attr(2, struct.pack('>I', 2))",  // NFTA_TABLE_NAME, NFTA_TABLE_FLAGS = OWNER
            "hook = attr(1, struct.pack('>I', 1)) + attr(2, struct.pack('>i', 0))",  // NF_INET_LOCAL_IN, priority 0
            "chain = attr(1, name) + attr(3, b'input\\0') + attr(4 | 0x8000, hook) + attr(5, struct.pack('>I', 1))"
                    + " + attr(7, b'filter\\0')",
            "batch = msg(16, REQ, 0, 10, b'', 1) + msg(10 << 8 | 0, REQ | ACK | CREATE, INET, 0, table, 2)"
                    + " + msg(10 << 8 | 3, REQ | ACK | CREATE, INET, 0, chain, 3) + msg(17, REQ, 0, 10, b'', 4)",
            "s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)",
            "s.bind((0, 0))",
            "s.send(batch)",
            "s.settimeout(5)",
            "for _ in range(2):",
            "    d = s.recv(65536)",
            "    l, t = struct.unpack('=IH', d[:6])",
            "    if t == 2:",
            "        err = struct.unpack('=i', d[16:20])[0]",
            "        if err != 0:",
            "            print('error', -err, flush=True); sys.exit(1)",
            "print('ready', flush=True)",
            "sys.stdin.read()");

    private final Process process;

    private OwnedTable(Process process) {
        this.process = process;
    }

    /** Creates {@code table inet NAME} owned by a process in namespace {@code netns}; waits until it exists. */
    public static OwnedTable create(String netns, String name) {
        try {
            Process p = new ProcessBuilder(List.of("ip", "netns", "exec", netns, "python3", "-c", SCRIPT, name))
                    .redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            if (!"ready".equals(line)) {
                p.destroyForcibly();
                throw new IllegalStateException("the owner of table inet " + name + " did not start: " + line);
            }
            return new OwnedTable(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the owner of table inet " + name, e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
