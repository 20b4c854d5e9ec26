package dev.cordon.ven.flows;

/**
 * What one flow summary aggregates over (per report interval): direction from this workload's view, local and peer
 * address, protocol, destination port (null for ICMP) or ICMP type/code, decision with its reason, deciding rule
 * href (null: the mode's default, or no Cordon rule), the policy version enforced, and whether it is the start-up
 * snapshot (reported apart, with state {@code snapshot}).
 */
public record FlowKey(String direction, String localIp, String peerIp, int proto, Integer port, Integer icmpType,
                      Integer icmpCode, String decision, String reason, String ruleHref, Long policyVersion,
                      boolean snapshot) {}
