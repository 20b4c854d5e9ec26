package dev.cordon.policy.compile;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One inbound or outbound entry. For inbound, {@code peerSet} holds the allowed sources; for outbound, the
 * destinations. {@code localSet}, when present, restricts this host's own address (the destination inbound,
 * the source outbound) because the rule covers only some of the host's addresses. {@code proto} is an IANA
 * number or -1 for all; {@code port}/{@code toPort} absent means every port. {@code rule} and {@code ruleSet}
 * are hrefs, so that every packet decision can be explained.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyEntry(Action action, String peerSet, String localSet, int proto, Integer port, Integer toPort,
                          Integer icmpType, Integer icmpCode, boolean stateless, String rule, String ruleSet) {

    /** True when the entry matches every port of its protocol (or every protocol). */
    public boolean allPorts() {
        return port == null;
    }

    /** The last port of the range (the single port when there is no {@code toPort}). */
    public Integer lastPort() {
        return toPort != null ? toPort : port;
    }
}
