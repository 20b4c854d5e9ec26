package dev.cordon.pce;

import java.time.Duration;

/**
 * The PCE's bounds against abuse and unbounded growth that an operator may set ({@code cordon pce} options): how
 * long events and traffic flow summaries are kept and how many at most, and how many policy long polls may wait on one
 * node and for one VEN.
 * The failed-authentication lockouts are fixed (docs/operations.md, Abuse limits).
 */
public record Limits(int eventRetentionDays, long maxEvents, int maxParkedPolls, int maxParkedPollsPerVen,
                     int trafficRetentionDays, long maxTrafficFlows) {
    public static final int DEFAULT_EVENT_RETENTION_DAYS = 90;
    public static final long DEFAULT_MAX_EVENTS = 1_000_000;
    /** Flow summaries are kept 30 days, and at most 20 million rows in all orgs together (~18 GB on PostgreSQL). */
    public static final int DEFAULT_TRAFFIC_RETENTION_DAYS = 30;
    public static final long DEFAULT_MAX_TRAFFIC_FLOWS = 20_000_000;
    public static final Limits DEFAULTS = new Limits(DEFAULT_EVENT_RETENTION_DAYS, DEFAULT_MAX_EVENTS,
            dev.cordon.pce.ven.PolicyLongPoll.DEFAULT_MAX_PARKED_POLLS,
            dev.cordon.pce.ven.PolicyLongPoll.DEFAULT_MAX_PARKED_POLLS_PER_VEN);

    /** The bounds with the traffic defaults. */
    public Limits(int eventRetentionDays, long maxEvents, int maxParkedPolls, int maxParkedPollsPerVen) {
        this(eventRetentionDays, maxEvents, maxParkedPolls, maxParkedPollsPerVen, DEFAULT_TRAFFIC_RETENTION_DAYS,
                DEFAULT_MAX_TRAFFIC_FLOWS);
    }

    public Limits {
        if (eventRetentionDays < 1 || eventRetentionDays > 36_500) {
            throw new IllegalArgumentException("--event-retention-days " + eventRetentionDays + " is out of range:"
                    + " give a number of days from 1 to 36500 (default " + DEFAULT_EVENT_RETENTION_DAYS + ").");
        }
        if (maxEvents < 1000) {
            throw new IllegalArgumentException("--max-events " + maxEvents + " is too small: keep at least 1000"
                    + " events (default " + DEFAULT_MAX_EVENTS + ").");
        }
        if (maxParkedPolls < 1) {
            throw new IllegalArgumentException("--max-parked-polls " + maxParkedPolls + " must be at least 1 (default "
                    + dev.cordon.pce.ven.PolicyLongPoll.DEFAULT_MAX_PARKED_POLLS + "; give at least the number of VENs this"
                    + " node serves).");
        }
        if (maxParkedPollsPerVen < 1 || maxParkedPollsPerVen > 100) {
            throw new IllegalArgumentException("--max-parked-polls-per-ven " + maxParkedPollsPerVen + " is out of"
                    + " range: give 1 to 100 (default " + dev.cordon.pce.ven.PolicyLongPoll.DEFAULT_MAX_PARKED_POLLS_PER_VEN
                    + ").");
        }
        if (trafficRetentionDays < 1 || trafficRetentionDays > 36_500) {
            throw new IllegalArgumentException("--traffic-retention-days " + trafficRetentionDays + " is out of range:"
                    + " give a number of days from 1 to 36500 (default " + DEFAULT_TRAFFIC_RETENTION_DAYS + ").");
        }
        if (maxTrafficFlows < 1000) {
            throw new IllegalArgumentException("--max-traffic-flows " + maxTrafficFlows + " is too small: keep at least"
                    + " 1000 flow summaries (default " + DEFAULT_MAX_TRAFFIC_FLOWS + ").");
        }
    }

    /** These bounds with other traffic retention and size cap. */
    public Limits withTraffic(int retentionDays, long maxFlows) {
        return new Limits(eventRetentionDays, maxEvents, maxParkedPolls, maxParkedPollsPerVen, retentionDays, maxFlows);
    }

    public Duration eventRetention() {
        return Duration.ofDays(eventRetentionDays);
    }
}
