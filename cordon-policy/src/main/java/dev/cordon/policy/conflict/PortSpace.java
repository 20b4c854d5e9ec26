package dev.cordon.policy.conflict;

import dev.cordon.policy.model.ServicePort;
import java.util.ArrayList;
import java.util.List;

/**
 * Services as one number line: {@code proto * 65536 + port} (the ICMP type stands in for the port), so that
 * "which traffic do two rules share" is interval algebra. Immutable; intervals sorted, disjoint, non-adjacent.
 */
final class PortSpace {
    static final PortSpace EMPTY = new PortSpace(new long[0]);
    private static final long SPAN = 65536;
    private final long[] b;

    private PortSpace(long[] bounds) {
        this.b = bounds;
    }

    static PortSpace of(List<ServicePort> ports) {
        PortSpace out = EMPTY;
        for (ServicePort sp : ports) out = out.union(of(sp));
        return out;
    }

    private static PortSpace of(ServicePort sp) {
        int proto = sp.proto() == null ? ServicePort.ALL : sp.proto();
        if (proto == ServicePort.ALL) return new PortSpace(new long[] {0, 256 * SPAN - 1});
        long base = proto * SPAN;
        Integer lo = proto == ServicePort.ICMP || proto == ServicePort.ICMPV6 ? sp.icmpType() : sp.port();
        if (lo == null) return new PortSpace(new long[] {base, base + SPAN - 1});
        Integer hi = proto == ServicePort.ICMP || proto == ServicePort.ICMPV6 || sp.toPort() == null ? lo : sp.toPort();
        return new PortSpace(new long[] {base + lo, base + hi});
    }

    boolean isEmpty() {
        return b.length == 0;
    }

    PortSpace union(PortSpace o) {
        if (o.isEmpty()) return this;
        if (isEmpty()) return o;
        List<long[]> all = new ArrayList<>();
        for (int i = 0; i < b.length; i += 2) all.add(new long[] {b[i], b[i + 1]});
        for (int i = 0; i < o.b.length; i += 2) all.add(new long[] {o.b[i], o.b[i + 1]});
        all.sort((x, y) -> Long.compare(x[0], y[0]));
        List<Long> out = new ArrayList<>();
        long lo = all.get(0)[0];
        long hi = all.get(0)[1];
        for (int i = 1; i < all.size(); i++) {
            long[] r = all.get(i);
            if (r[0] <= hi + 1) hi = Math.max(hi, r[1]);
            else {
                out.add(lo);
                out.add(hi);
                lo = r[0];
                hi = r[1];
            }
        }
        out.add(lo);
        out.add(hi);
        return new PortSpace(out.stream().mapToLong(Long::longValue).toArray());
    }

    PortSpace intersect(PortSpace o) {
        List<Long> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < b.length && j < o.b.length) {
            long lo = Math.max(b[i], o.b[j]);
            long hi = Math.min(b[i + 1], o.b[j + 1]);
            if (lo <= hi) {
                out.add(lo);
                out.add(hi);
            }
            if (b[i + 1] < o.b[j + 1]) i += 2;
            else j += 2;
        }
        return new PortSpace(out.stream().mapToLong(Long::longValue).toArray());
    }

    PortSpace minus(PortSpace o) {
        PortSpace complement = new PortSpace(new long[] {0, 256 * SPAN - 1});
        List<Long> c = new ArrayList<>();
        long next = 0;
        for (int i = 0; i < o.b.length; i += 2) {
            if (o.b[i] > next) {
                c.add(next);
                c.add(o.b[i] - 1);
            }
            next = o.b[i + 1] + 1;
        }
        if (next <= 256 * SPAN - 1) {
            c.add(next);
            c.add(256 * SPAN - 1);
        }
        complement = new PortSpace(c.stream().mapToLong(Long::longValue).toArray());
        return intersect(complement);
    }

    /** A representative point, preferring TCP so examples read naturally. */
    long pick() {
        PortSpace tcp = intersect(new PortSpace(new long[] {ServicePort.TCP * SPAN, ServicePort.TCP * SPAN + SPAN - 1}));
        return tcp.isEmpty() ? b[0] : tcp.b[0];
    }

    static int proto(long point) {
        return (int) (point / SPAN);
    }

    static Integer port(long point) {
        return (int) (point % SPAN);
    }
}
