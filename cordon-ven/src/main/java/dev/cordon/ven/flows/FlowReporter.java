package dev.cordon.ven.flows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.protocol.flows.DroppedEvents;
import dev.cordon.protocol.flows.FlowBatch;
import dev.cordon.protocol.flows.FlowBatchAck;
import dev.cordon.protocol.flows.FlowSummary;
import dev.cordon.ven.pce.PceClient;
import dev.cordon.ven.pce.PceException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One report interval's work: the aggregator's summaries become sequence-numbered batches (at most
 * {@value #MAX_FLOWS_PER_BATCH} flows each, the PCE's bound), each gzip'd into the spool first, then every spooled
 * batch is uploaded oldest first until the PCE stops answering. A batch leaves the spool only when the PCE's
 * {@code acknowledged_seq} covers it, so a lost answer means a resend, which the PCE recognises by (VEN, seq) and
 * does not store twice. Each batch carries the events lost since the previous one: in the kernel (overruns, NFLOG
 * gaps), in the aggregator (its bounds) and in the spool (oldest batches deleted while the PCE was away).
 *
 * <p>Thread ownership: the reporter thread only.
 */
public final class FlowReporter {
    static final int MAX_FLOWS_PER_BATCH = 100_000;
    private static final Logger log = LoggerFactory.getLogger(FlowReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FlowAggregator aggregator;
    private final FlowSpool spool;
    private final PceClient pce;
    private final LongSupplier kernelLost;
    private final Supplier<Visibility> visibility;
    private long kernelReported;
    private int failures;

    public FlowReporter(FlowAggregator aggregator, FlowSpool spool, PceClient pce, LongSupplier kernelLost,
                        Supplier<Visibility> visibility) {
        this.aggregator = aggregator;
        this.spool = spool;
        this.pce = pce;
        this.kernelLost = kernelLost;
        this.visibility = visibility;
    }

    /** Flushes the interval into the spool, then uploads what is spooled. Returns the batches acknowledged now. */
    public int reportOnce() {
        spoolInterval();
        return uploadPending();
    }

    /** The interval's summaries (and loss counts) as spooled batches; nothing is spooled when there is nothing. */
    public void spoolInterval() {
        List<FlowSummary> flows = aggregator.flush(visibility.get());
        long kernel = kernelLost.getAsLong();
        DroppedEvents dropped = new DroppedEvents(kernel - kernelReported, aggregator.takeDropped(), spool.takeDropped());
        kernelReported = kernel;
        if (flows.isEmpty() && dropped.equals(DroppedEvents.NONE)) return;
        int from = 0;
        do {
            List<FlowSummary> part = flows.subList(from, Math.min(flows.size(), from + MAX_FLOWS_PER_BATCH));
            long seq = spool.nextSeq();
            spool.append(seq, part.size(), gzip(new FlowBatch(seq, from == 0 ? dropped : DroppedEvents.NONE, part)));
            from += part.size();
        } while (from < flows.size());
    }

    /** Uploads spooled batches oldest first; stops at the first failure (they stay spooled). */
    public int uploadPending() {
        int acked = 0;
        for (FlowSpool.Batch b : spool.pending()) {
            FlowBatchAck ack;
            try {
                ack = JSON.readValue(pce.uploadTraffic(b.body()), FlowBatchAck.class);
            } catch (PceException e) {
                failures++;
                if (failures == 1 || failures % 10 == 0) {
                    log.warn("traffic upload failed ({} in a row): {}; {} batch(es) spooled ({} bytes)", failures,
                            e.getMessage(), spool.pending().size(), spool.bytes());
                }
                return acked;
            } catch (IOException e) {
                failures++;
                log.warn("the PCE's answer to traffic batch {} is not an acknowledgement ({}); kept for a resend",
                        b.seq(), e.getMessage());
                return acked;
            }
            failures = 0;
            spool.acknowledge(ack.acknowledgedSeq());
            if (ack.acknowledgedSeq() < b.seq()) {
                log.warn("the PCE acknowledged seq {} for traffic batch {}; kept for a resend", ack.acknowledgedSeq(),
                        b.seq());
                return acked;
            }
            acked++;
        }
        return acked;
    }

    static byte[] gzip(FlowBatch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            JSON.writeValue(z, batch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
