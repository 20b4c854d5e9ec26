package dev.cordon.pce.traffic.ingest;

import dev.cordon.pce.traffic.store.FlowEnd;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.Engine;
import dev.cordon.policy.membership.AddrRanges;
import dev.cordon.policy.model.EnforcementMode;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.Label;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves flow ends to workloads, labels and IP lists, against one engine (the active policy with live labels and
 * workloads): built once per engine and shared by every ingest thread until the engine changes. Per-address IP-list
 * answers are cached (bounded: an address space scan must not grow the heap without end).
 */
final class EndResolver {
    /** Illumio's API returns at most 50 IP lists per address. */
    static final int MAX_IP_LISTS = 50;
    private static final int MAX_CACHED = 200_000;

    final Engine engine;
    private final java.util.function.Function<String, Long> endOf;
    private final Map<String, Workload> byHref = new HashMap<>();
    private final Map<String, Workload> byAddress = new HashMap<>();
    private final Map<String, FlowEnd> workloadEnds = new ConcurrentHashMap<>();
    private final Map<String, String> ipListsOf = new ConcurrentHashMap<>();
    private final List<String> listHrefs = new ArrayList<>();
    private final List<AddrRanges> listRanges = new ArrayList<>();
    private final Map<String, Label> labels = new HashMap<>();

    /** {@code endOf}: the id in {@code traffic_ends} of a workload snapshot (JSON), stored there when new. */
    EndResolver(Engine engine, java.util.function.Function<String, Long> endOf) {
        this.engine = engine;
        this.endOf = endOf;
        for (Label l : engine.document().labelsOrEmpty()) labels.put(l.href(), l);
        for (Workload w : engine.document().workloadsOrEmpty()) {
            byHref.put(w.href(), w);
            for (Interface i : w.interfacesOrEmpty()) {
                String a = AddrRanges.canonical(i.address());
                if (a != null) byAddress.putIfAbsent(a, w);
            }
        }
        for (IpList l : engine.document().ipListsOrEmpty()) {
            AddrRanges inc = AddrRanges.EMPTY;
            AddrRanges exc = AddrRanges.EMPTY;
            for (IpRange r : l.ipRangesOrEmpty()) {
                try {
                    AddrRanges a = AddrRanges.parse(r.fromIp(), r.toIp());
                    if (r.isExclusion()) exc = exc.union(a);
                    else inc = inc.union(a);
                } catch (IllegalArgumentException e) {
                    // validated when provisioned; an entry that no longer parses names no address
                }
            }
            listHrefs.add(l.href());
            listRanges.add(inc.minus(exc));
        }
    }

    /** The reporting end: its own workload (the agent's), whatever else shares the address. */
    FlowEnd local(String ip, String workloadHref) {
        Workload w = byHref.get(workloadHref);
        return w == null ? FlowEnd.external(ip, ipLists(ip)) : end(ip, w);
    }

    /** The peer: the workload with this interface address, else an address with its IP lists. */
    FlowEnd peer(String ip) {
        Workload w = byAddress.get(ip);
        return w == null ? FlowEnd.external(ip, ipLists(ip)) : end(ip, w);
    }

    private FlowEnd end(String ip, Workload w) {
        FlowEnd shape = workloadEnds.computeIfAbsent(w.href(), h -> {
            StringBuilder ls = new StringBuilder(",");
            ObjectNode d = Json.object().put("href", w.href());
            if (w.name() != null) d.put("name", w.name());
            if (w.hostname() != null) d.put("hostname", w.hostname());
            ArrayNode arr = d.putArray("labels");
            for (Ref r : w.labelsOrEmpty()) {
                ls.append(r.href()).append(',');
                Label l = labels.get(r.href());
                ObjectNode o = arr.addObject().put("href", r.href());
                if (l != null) o.put("key", l.key()).put("value", l.value());
            }
            EnforcementMode m = w.isManaged() ? w.effectiveMode() : null;
            if (m != null) d.put("enforcement_mode", m.wire());
            d.put("managed", w.isManaged());
            String detail = d.toString();
            return new FlowEnd(null, w.href(), w.isManaged(), ls.toString(), null, detail, endOf.apply(detail));
        });
        return new FlowEnd(ip, shape.workload(), shape.managed(), shape.labels(), ipLists(ip), shape.detail(), shape.end());
    }

    /** ",href,href," of the IP lists (draft hrefs) holding the address, at most {@link #MAX_IP_LISTS}. */
    String ipLists(String ip) {
        String cached = ipListsOf.get(ip);
        if (cached != null) return cached;
        StringBuilder b = new StringBuilder(",");
        int n = 0;
        java.math.BigInteger key = AddrRanges.key(AddrRanges.parseAddress(ip, false));
        for (int i = 0; i < listHrefs.size() && n < MAX_IP_LISTS; i++) {
            if (listRanges.get(i).containsKey(key)) {
                b.append(listHrefs.get(i)).append(',');
                n++;
            }
        }
        String out = b.toString();
        if (ipListsOf.size() > MAX_CACHED) ipListsOf.clear();
        ipListsOf.put(ip, out);
        return out;
    }

    /** The IP list's name by draft href (for the download's {@code ip_lists}), or null. */
    String ipListName(String href) {
        for (IpList l : engine.document().ipListsOrEmpty()) if (l.href().equals(href)) return l.name();
        return null;
    }
}
