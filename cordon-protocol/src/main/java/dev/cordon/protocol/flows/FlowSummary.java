package dev.cordon.protocol.flows;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One flow summary as the reporting VEN sees it: one per aggregation key (direction, local and peer address,
 * protocol, port or ICMP type/code, decision and its reason, deciding rule, policy version) per report interval,
 * with the counters of that interval.
 *
 * <ul>
 *   <li>{@code direction} {@code inbound} (the peer connected to this workload: local = destination) or
 *       {@code outbound} (this workload connected to the peer: local = source);</li>
 *   <li>{@code proto} the IANA number; {@code port} the destination port for TCP/UDP/SCTP, null for ICMP, which
 *       carries {@code icmp_type}/{@code icmp_code} instead;</li>
 *   <li>{@code decision} {@code allowed}, {@code blocked}, {@code potentially_blocked} or {@code unknown}, with
 *       {@code reason} saying why when it is {@code unknown} ({@code accepted_outside_cordon},
 *       {@code established_before_start}, {@code untracked}) and optional otherwise;</li>
 *   <li>{@code rule_href} the deciding rule (draft form or any version's; null when the mode's default decided),
 *       {@code policy_version} the version the VEN enforced;</li>
 *   <li>{@code first_seen}/{@code last_seen} RFC 3339 UTC; {@code packets_in}/{@code bytes_in} into this
 *       workload, {@code _out} out of it;</li>
 *   <li>{@code state} {@code new}, {@code active}, {@code closed}, {@code timed_out} or {@code snapshot} (a
 *       connection that existed when the VEN started, reported once).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowSummary(@JsonProperty("direction") String direction,
                          @JsonProperty("local_ip") String localIp,
                          @JsonProperty("peer_ip") String peerIp,
                          @JsonProperty("proto") int proto,
                          @JsonProperty("port") Integer port,
                          @JsonProperty("icmp_type") Integer icmpType,
                          @JsonProperty("icmp_code") Integer icmpCode,
                          @JsonProperty("decision") String decision,
                          @JsonProperty("reason") String reason,
                          @JsonProperty("rule_href") String ruleHref,
                          @JsonProperty("policy_version") Long policyVersion,
                          @JsonProperty("connections") long connections,
                          @JsonProperty("first_seen") String firstSeen,
                          @JsonProperty("last_seen") String lastSeen,
                          @JsonProperty("packets_in") long packetsIn,
                          @JsonProperty("packets_out") long packetsOut,
                          @JsonProperty("bytes_in") long bytesIn,
                          @JsonProperty("bytes_out") long bytesOut,
                          @JsonProperty("state") String state) {
    public static final String INBOUND = "inbound";
    public static final String OUTBOUND = "outbound";
}
