package dev.cordon.pce.ven;

import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.HeartbeatAnswer;
import java.util.Optional;

/**
 * What a VEN's heartbeat is answered with beyond taking it in: empty is {@code 204} (no body), a value is
 * {@code 200} with it. Implemented outside this package ({@code traffic.reporting.TrafficReporting} answers a VEN that
 * reports traffic with its visibility level and report rate), so the VEN services do not depend on traffic.
 */
public interface HeartbeatAnswers {
    HeartbeatAnswers NONE = (agent, heartbeat) -> Optional.empty();

    Optional<HeartbeatAnswer> answer(Agent agent, Heartbeat heartbeat);
}
