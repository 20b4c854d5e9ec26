package dev.cordon.pce.traffic.store;

/**
 * One end of a stored flow as resolved at ingest: its address, its workload's href (null for an address no workload
 * has), whether that workload is managed, its label hrefs and the hrefs of the IP lists holding the address (both as
 * {@code ",href,href,"} text, which a filter matches with {@code LIKE '%,href,%'}), and the workload's snapshot
 * (href, name, hostname, labels with key and value, enforcement mode) as JSON, so history survives relabelling.
 * The snapshot is stored once in {@code traffic_ends} and each row names it by {@code end} (its id there; null
 * for an address no workload has): a row carries a number where it carried ~300 bytes of JSON.
 */
public record FlowEnd(String ip, String workload, boolean managed, String labels, String ipLists, String detail,
                      Long end) {
    public static FlowEnd external(String ip, String ipLists) {
        return new FlowEnd(ip, null, false, ",", ipLists, null, null);
    }
}
