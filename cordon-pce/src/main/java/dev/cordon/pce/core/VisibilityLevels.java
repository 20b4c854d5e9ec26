package dev.cordon.pce.core;

import java.util.List;

/**
 * Illumio's {@code visibility_level} values, for pairing profiles and workloads alike: what a workload's VEN reports
 * of its traffic. {@code flow_full_detail} (Illumio's older name) and {@code enhanced_data_collection}: every
 * decision with packet and byte counts; {@code flow_summary}: every decision, connection counts only;
 * {@code flow_drops}: blocked and potentially blocked flows only; {@code flow_off}: nothing. A workload with none set
 * reports {@link #DEFAULT}, what Cordon's VEN did before the level took effect.
 */
public final class VisibilityLevels {
    public static final List<String> ALL = List.of("flow_full_detail", "flow_summary", "flow_drops", "flow_off",
            "enhanced_data_collection");
    public static final String DEFAULT = "flow_full_detail";

    private VisibilityLevels() {}

    /** 406 {@code invalid_visibility_level} unless {@code level} is null or one of {@link #ALL}. */
    public static void check(String level, String of) {
        if (level != null && !ALL.contains(level)) {
            throw ApiException.invalid("invalid_visibility_level", of + " visibility_level is one of "
                    + String.join(", ", ALL) + ", not '" + level + "'.");
        }
    }
}
