package dev.cordon.pce.traffic.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.policy.membership.AddrRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /orgs/{org}/agents/bulk_traffic_flows}: flows seen elsewhere (a network tap, a cloud flow log) as CSV
 * lines {@code src_ip,dst_ip,port,proto}, at most 1,000 per call, as Illumio takes them. A bad line does not refuse
 * the upload: it is counted and listed in {@code failed_flows} with why, as Illumio's answer does; the good lines are
 * stored with decision {@code unknown} (reason {@code bulk_upload}: no VEN decided them).
 */
public final class BulkFlows {
    public static final int MAX_LINES = 1000;
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58);

    private BulkFlows() {}

    public static ObjectNode upload(TrafficIngest ingest, int org, String csv) {
        String[] lines = csv == null ? new String[0] : csv.split("\r?\n");
        List<String> nonEmpty = new ArrayList<>();
        for (String l : lines) if (!l.isBlank()) nonEmpty.add(l.strip());
        if (nonEmpty.isEmpty()) {
            throw ApiException.invalid("empty_bulk_traffic_flows", "The body has no flows: send CSV lines"
                    + " src_ip,dst_ip,port,proto (e.g. 10.0.0.1,10.0.0.2,443,6), at most " + MAX_LINES + ".");
        }
        if (nonEmpty.size() > MAX_LINES) {
            throw ApiException.invalid("too_many_bulk_traffic_flows", "The body has " + nonEmpty.size()
                    + " lines; one call takes at most " + MAX_LINES + ": split it.");
        }
        List<String[]> good = new ArrayList<>();
        ArrayNode failed = Json.array();
        for (String line : nonEmpty) {
            String why = null;
            String[] f = line.split(",", -1);
            String[] row = null;
            if (f.length != 4) why = "has " + f.length + " fields; give src_ip,dst_ip,port,proto";
            else {
                String src = AddrRanges.canonical(f[0].strip());
                String dst = AddrRanges.canonical(f[1].strip());
                Integer proto = proto(f[3].strip());
                Integer port = number(f[2].strip(), 0, 65535);
                if (src == null || f[0].contains("/")) why = "src_ip '" + f[0] + "' is not an IP address";
                else if (dst == null || f[1].contains("/")) why = "dst_ip '" + f[1] + "' is not an IP address";
                else if (proto == null) why = "proto '" + f[3] + "' is not a protocol number (0-255) or tcp, udp, icmp";
                else if (port == null && !(f[2].isBlank() && (proto == 1 || proto == 58))) {
                    why = "port '" + f[2] + "' is not a number from 0 to 65535";
                } else row = new String[] {src, dst, port == null ? null : port.toString(), proto.toString()};
            }
            if (row != null) good.add(row);
            else failed.addObject().put("flow", line.length() > 200 ? line.substring(0, 200) : line).put("error", why);
        }
        ingest.storeSeenElsewhere(org, good);
        ObjectNode out = Json.object().put("num_flows_received", nonEmpty.size()).put("num_flows_failed", failed.size());
        out.set("failed_flows", failed);
        return out;
    }

    private static Integer proto(String s) {
        Integer named = PROTOCOLS.get(s.toLowerCase(Locale.ROOT));
        return named != null ? named : number(s, 0, 255);
    }

    private static Integer number(String s, int min, int max) {
        try {
            int n = Integer.parseInt(s);
            return n < min || n > max ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
