package dev.cordon.pce.auth.throttle;

import dev.cordon.pce.events.Events;
import java.time.Clock;
import java.time.Duration;

/**
 * The throttles of the three credentials the PCE checks, sharing one {@link FailureLog}. Built once per node;
 * immutable.
 */
public record Throttles(AuthThrottle apiKeys, AuthThrottle activationCodes, AuthThrottle agentTokens, FailureLog log) {
    /** One tally interval for the failure events, and at most this many tallied sources at once. */
    public static final Duration EVENT_INTERVAL = Duration.ofMinutes(1);
    public static final int TALLIED_SOURCES = 10_000;

    public static Throttles of(Events events, Clock clock) {
        FailureLog log = new FailureLog(events, clock, EVENT_INTERVAL, TALLIED_SOURCES);
        return new Throttles(new AuthThrottle("api_key", "API key", log, clock),
                new AuthThrottle("activation_code", "activation code", log, clock),
                new AuthThrottle("agent_token", "agent token", log, clock), log);
    }
}
