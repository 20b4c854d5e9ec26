package dev.cordon.pce.traffic.ingest;

import dev.cordon.pce.traffic.store.TrafficTable;
import dev.cordon.pce.traffic.store.StoredFlow;
import dev.cordon.pce.traffic.store.FlowEnd;

import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.pce.policy.PolicyEngines;
import dev.cordon.protocol.flows.FlowBatch;
import dev.cordon.protocol.flows.FlowBatchAck;
import dev.cordon.protocol.flows.FlowSummary;
import dev.cordon.pce.ven.Agent;
import dev.cordon.policy.Engine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A VEN's flow batch → stored rows: each summary oriented source → destination from the reporting end's direction,
 * both ends resolved against the active policy (with live labels and workloads) at ingest, and stored with its batch
 * in one transaction outside the write lock ({@link TrafficTable}). Answers with the highest seq stored for the VEN,
 * so a resend after a lost answer is acknowledged without being stored twice.
 *
 * <p>Thread ownership: called on Jetty's request threads, concurrently; the per-org resolver is swapped whole when
 * the active engine changes (an engine is immutable).
 */
public final class TrafficIngest {
    private final TrafficTable table;
    private final PolicyEngines policy;
    private final Clock clock;
    private final Map<Integer, EndResolver> resolvers = new ConcurrentHashMap<>();
    /**
     * Batches waiting for their group to be stored ({@code TrafficWriter}) at once. They hold no database
     * connection while they wait (the group's writer holds one), so this bounds memory, not the pool: a VEN past
     * the wait is told 503 with Retry-After and keeps the batch spooled, as the ingest contract says.
     */
    static final int STORING_AT_ONCE = 64;
    private final java.util.concurrent.Semaphore storing = new java.util.concurrent.Semaphore(STORING_AT_ONCE, true);

    public TrafficIngest(TrafficTable table, PolicyEngines policy, Clock clock) {
        this.table = table;
        this.policy = policy;
        this.clock = clock;
    }

    public FlowBatchAck ingest(Agent agent, FlowBatch batch) {
        long[] first = new long[batch.flows().size()];
        long[] last = new long[batch.flows().size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = Instant.parse(batch.flows().get(i).firstSeen()).toEpochMilli();
            last[i] = Instant.parse(batch.flows().get(i).lastSeen()).toEpochMilli();
        }
        return ingest(agent, new TrafficInputs.Checked(batch, first, last));
    }

    /** A checked batch ({@link TrafficInputs#checked}): its times are parsed already. */
    public FlowBatchAck ingest(Agent agent, TrafficInputs.Checked checked) {
        FlowBatch batch = checked.batch();
        if (table.hasBatch(agent.venHref(), batch.seq())) {
            return new FlowBatchAck(table.acknowledged(agent.venHref()), true, 0);
        }
        EndResolver r = resolver(agent.org());
        List<StoredFlow> rows = new ArrayList<>(batch.flows().size());
        String orgPrefix = "/orgs/" + agent.org() + "/";
        Map<String, String> drafts = new HashMap<>(); // a batch names few rules, each many times
        FlowEnd local = null;
        String localIp = null;
        for (int i = 0; i < batch.flows().size(); i++) {
            FlowSummary f = batch.flows().get(i);
            if (!f.localIp().equals(localIp)) { // a VEN's summaries share its few addresses
                localIp = f.localIp();
                local = r.local(localIp, agent.workloadHref());
            }
            rows.add(row(agent, batch.seq(), f, local, r, i, orgPrefix, drafts, checked.firstSeen()[i],
                    checked.lastSeen()[i]));
        }
        TrafficTable.Stored s;
        try {
            if (!storing.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw ApiException.unavailable("traffic_ingest_busy", "The PCE is storing as many traffic batches as"
                        + " it takes at once; keep this batch spooled and send it again after Retry-After seconds.", 5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("traffic_ingest_busy", "The PCE is stopping; send the batch again later.", 5);
        }
        try {
            s = table.storeBatch(agent.org(), agent.venHref(), batch, rows, clock.millis());
        } finally {
            storing.release();
        }
        if (!s.stored()) return new FlowBatchAck(table.acknowledged(agent.venHref()), true, 0);
        return new FlowBatchAck(table.acknowledged(agent.venHref()), false, s.rows());
    }

    EndResolver resolver(int org) {
        Engine e = policy.engine(org, "active");
        EndResolver r = resolvers.get(org);
        if (r == null || r.engine != e) {
            r = new EndResolver(e, detail -> table.endId(org, detail));
            resolvers.put(org, r);
        }
        return r;
    }

    private static StoredFlow row(Agent agent, long seq, FlowSummary f, FlowEnd local, EndResolver r, int i,
                                  String orgPrefix, Map<String, String> drafts, long first, long last) {
        boolean inbound = f.direction().equals(FlowSummary.INBOUND);
        FlowEnd peer = r.peer(f.peerIp());
        String rule = f.ruleHref();
        if (rule != null) {
            if (!rule.startsWith(orgPrefix)) {
                throw TrafficInputs.invalid("flows[" + i + "].rule_href", "names org " + rule.split("/")[2]
                        + "; this VEN belongs to org " + agent.org());
            }
            rule = drafts.computeIfAbsent(rule, PolicyHrefs::toDraft);
        }
        return new StoredFlow(agent.org(), StoredFlow.dayOf(last), agent.venHref(), seq, f.direction(),
                inbound ? peer : local, inbound ? local : peer, f.proto(), f.port(), f.icmpType(), f.icmpCode(),
                f.decision(), f.reason(), rule, f.policyVersion(), f.connections(), first, last,
                inbound ? f.packetsIn() : f.packetsOut(), inbound ? f.packetsOut() : f.packetsIn(),
                inbound ? f.bytesIn() : f.bytesOut(), inbound ? f.bytesOut() : f.bytesIn(), f.state());
    }

    /** Flows seen elsewhere ({@code bulk_traffic_flows}): both ends resolved, decision unknown. */
    public void storeSeenElsewhere(int org, List<String[]> flows) {
        EndResolver r = resolver(org);
        long now = clock.millis();
        List<StoredFlow> rows = new ArrayList<>(flows.size());
        for (String[] f : flows) {
            FlowEnd src = r.peer(f[0]);
            FlowEnd dst = r.peer(f[1]);
            Integer port = f[2] == null ? null : Integer.valueOf(f[2]);
            rows.add(new StoredFlow(org, StoredFlow.dayOf(now), null, null, FlowSummary.INBOUND, src, dst,
                    Integer.parseInt(f[3]), port, null, null, "unknown", "bulk_upload", null, null, 1, now, now,
                    0, 0, 0, 0, null));
        }
        if (rows.isEmpty()) return;
        table.storeRows(rows);
    }

}
