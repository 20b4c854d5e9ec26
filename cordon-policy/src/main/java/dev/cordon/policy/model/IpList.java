package dev.cordon.policy.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A named list of address ranges; its addresses are its ranges minus its exclusion ranges. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpList(String href, String name, String description, List<IpRange> ipRanges, List<JsonFqdn> fqdns,
                     String externalDataSet, String externalDataReference,
                     String createdAt, String updatedAt, Ref createdBy, Ref updatedBy) {
    public static final String ANY_NAME = "Any (0.0.0.0/0 and ::/0)";

    public IpList {
        ipRanges = Lists.copy(ipRanges);
        fqdns = Lists.copy(fqdns);
    }

    public static IpList of(String href, String name, List<IpRange> ranges) {
        return new IpList(href, name, null, ranges, null, null, null, null, null, null, null);
    }

    public List<IpRange> ipRangesOrEmpty() {
        return Lists.orEmpty(ipRanges);
    }

    /** An FQDN entry as the API carries it; Cordon keeps it but does not resolve names. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JsonFqdn(String fqdn, String description) {}
}
