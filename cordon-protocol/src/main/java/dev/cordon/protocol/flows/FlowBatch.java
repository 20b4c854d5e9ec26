package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One upload of a VEN's flow summaries ({@code POST /api/v2/ven/traffic}, VEN → PCE). {@code seq} numbers the VEN's
 * batches from 1 upwards and never repeats for that VEN: the PCE stores a (VEN, seq) once, so a batch resent after a
 * lost answer is not counted twice, and answers with the highest seq it holds ({@link FlowBatchAck}).
 * {@code dropped} says how many capture events were lost before this batch was built, so a gap in the data is visible.
 */
public record FlowBatch(@JsonProperty("seq") long seq,
                        @JsonProperty("dropped") DroppedEvents dropped,
                        @JsonProperty("flows") List<FlowSummary> flows) {
    public FlowBatch {
        flows = flows == null ? List.of() : List.copyOf(flows);
        if (dropped == null) dropped = DroppedEvents.NONE;
    }
}
