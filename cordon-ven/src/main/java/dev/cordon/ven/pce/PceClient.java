package dev.cordon.ven.pce;

import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.protocol.ActivationRequest;
import dev.cordon.protocol.AgentEvent;
import dev.cordon.protocol.Goodbye;
import dev.cordon.protocol.Heartbeat;
import dev.cordon.protocol.HeartbeatAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The VEN's side of the VEN protocol (API.md). One seam, so the agent's loop is tested with a fake and runs for
 * real over {@link HttpPceClient}. Every method throws {@link PceException} when the call does not succeed.
 */
public interface PceClient {
    /** Pairs this host with the PCE ({@code POST /api/v2/ven/activate}) and pins the PCE's certificate. */
    Activation activate(ActivationRequest request);

    /** Uses the token (and certificate pin, null over plain HTTP) from an earlier activation for later calls. */
    void useCredentials(String agentToken, String certificateSha256);

    /**
     * The long poll: the workload's policy when its hash differs from {@code knownHash} (null: none known), else
     * empty after waiting up to {@code wait} for a change.
     */
    Optional<FirewallPolicy> fetchPolicy(String knownHash, Duration wait);

    void heartbeat(Heartbeat heartbeat);

    /**
     * The heartbeat, with the PCE's answer: present when the PCE answered {@code 200} with a body (a heartbeat with
     * {@code flow_reporting} to a PCE that knows it), empty on {@code 204}. A client that reads no answer sends the
     * heartbeat as {@link #heartbeat} does.
     */
    default Optional<HeartbeatAnswer> heartbeatAnswered(Heartbeat heartbeat) {
        heartbeat(heartbeat);
        return Optional.empty();
    }

    void uploadEvents(List<AgentEvent> events);

    /**
     * Says goodbye ({@code POST /api/v2/ven/goodbye}) and waits at most {@code within} for the answer: the VEN is
     * stopping, and a PCE that is away must not hold the shutdown up.
     */
    void goodbye(Goodbye goodbye, Duration within);

    /**
     * Uploads one gzip'd flow batch ({@code POST /api/v2/ven/traffic}, {@code Content-Encoding: gzip}) and returns
     * the PCE's answer body (JSON {@code {"acknowledged_seq", "duplicate", "flows_stored"}}).
     */
    default String uploadTraffic(byte[] gzipJson) {
        throw new PceException(PceException.Kind.REJECTED, 0, "this PCE client cannot upload traffic");
    }
}
