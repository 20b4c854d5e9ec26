package dev.cordon.policy.compile;

import java.util.List;

/** The compiled policy shared by every workload of one class: entries, the sets they name, custom statements. */
public record PolicyClass(ClassKey key, List<PolicyEntry> inbound, List<PolicyEntry> outbound, List<String> setIds,
                          List<CustomStatement> custom) {}
