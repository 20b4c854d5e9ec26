package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the PCE asks of a VEN's traffic reporting (in {@code HeartbeatAnswer.traffic}):
 * <ul>
 *   <li>{@code visibility_level}: the workload's level (Illumio's names): {@code flow_full_detail} and
 *       {@code enhanced_data_collection} every decision with packet and byte counts, {@code flow_summary} every
 *       decision with connection counts only, {@code flow_drops} only blocked and potentially blocked flows,
 *       {@code flow_off} nothing;</li>
 *   <li>{@code report_interval_seconds} and {@code report_for_seconds}: both present while an operator asked the
 *       workload to report faster (Illumio's "increase traffic update rate",
 *       {@code POST /orgs/{org}/workloads/set_flow_reporting_frequency}): upload every that many seconds for that
 *       many more seconds (a duration, not a time, so the VEN's clock does not matter), then fall back to its own
 *       interval; both absent otherwise.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowSettings(@JsonProperty("visibility_level") String visibilityLevel,
                           @JsonProperty("report_interval_seconds") Integer reportIntervalSeconds,
                           @JsonProperty("report_for_seconds") Long reportForSeconds) {
    public static final String FLOW_FULL_DETAIL = "flow_full_detail";
    public static final String FLOW_SUMMARY = "flow_summary";
    public static final String FLOW_DROPS = "flow_drops";
    public static final String FLOW_OFF = "flow_off";
    public static final String ENHANCED_DATA_COLLECTION = "enhanced_data_collection";
}
