package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The org's firewall settings; {@code null} or empty coexistence means every workload is exclusive. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FirewallSettings(String href, List<CoexistenceEntry> firewallCoexistence,
                               String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public static final String DRAFT_HREF = "/orgs/1/sec_policy/draft/firewall_settings";

    public FirewallSettings {
        firewallCoexistence = Lists.copy(firewallCoexistence);
    }

    public static FirewallSettings of(List<CoexistenceEntry> entries) {
        return new FirewallSettings(DRAFT_HREF, entries, null, null, null, null);
    }

    public List<CoexistenceEntry> firewallCoexistenceOrEmpty() {
        return Lists.orEmpty(firewallCoexistence);
    }
}
