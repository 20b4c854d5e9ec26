package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One IP-list entry: an address or CIDR ({@code fromIp}), optionally up to {@code toIp}; an exclusion removes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpRange(String fromIp, String toIp, Boolean exclusion, String description) {
    public static IpRange of(String fromIp) {
        return new IpRange(fromIp, null, false, null);
    }

    public static IpRange excluded(String fromIp) {
        return new IpRange(fromIp, null, true, null);
    }

    public boolean isExclusion() {
        return Boolean.TRUE.equals(exclusion);
    }

    @JsonIgnore
    public String display() {
        return toIp == null ? fromIp : fromIp + "-" + toIp;
    }
}
