package dev.cordon.ven.flows;

/**
 * A workload's {@code visibility_level} (Illumio's names), deciding what the VEN reports:
 * {@code flow_full_detail} (Illumio's older name) and {@code enhanced_data_collection} every decision with packet
 * and byte counts; {@code flow_summary} ("blocked + allowed") every decision, counting connections only (packets and
 * bytes left 0: Illumio adds byte counts only with enhanced data collection); {@code flow_drops} ("blocked") only
 * {@code blocked} and {@code potentially_blocked} flows (with counts); {@code flow_off} nothing. The PCE says which
 * in every heartbeat answer ({@code FlowSettings.visibility_level}).
 */
public enum Visibility {
    FLOW_FULL_DETAIL("flow_full_detail"), ENHANCED_DATA_COLLECTION("enhanced_data_collection"),
    FLOW_SUMMARY("flow_summary"), FLOW_DROPS("flow_drops"), FLOW_OFF("flow_off");

    private final String wire;

    Visibility(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Visibility parse(String s) {
        for (Visibility v : values()) {
            if (v.wire.equals(s)) return v;
        }
        throw new IllegalArgumentException("visibility_level '" + s + "' is not known: use flow_full_detail,"
                + " enhanced_data_collection, flow_summary, flow_drops or flow_off");
    }

    /** True when a flow of {@code decision} is reported at this level. */
    public boolean reports(String decision) {
        return switch (this) {
            case FLOW_FULL_DETAIL, ENHANCED_DATA_COLLECTION, FLOW_SUMMARY -> true;
            case FLOW_DROPS -> decision.equals("blocked") || decision.equals("potentially_blocked");
            case FLOW_OFF -> false;
        };
    }

    /** True when packet and byte counts are reported (else only connection counts). */
    public boolean counts() {
        return this != FLOW_SUMMARY;
    }
}
