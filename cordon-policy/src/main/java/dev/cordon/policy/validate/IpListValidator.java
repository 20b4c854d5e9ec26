package dev.cordon.policy.validate;

import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.PolicyDocument;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * IP lists: a unique name, entries that parse, and exclusions that only remove what the list includes. An exclusion
 * outside the inclusions would silently do nothing, which is never what its author meant.
 */
final class IpListValidator {
    private IpListValidator() {}

    static void check(PolicyDocument doc, Findings out) {
        UniqueNames<IpList> names = new UniqueNames<>("ip_list", IpList::href);
        for (IpList l : doc.ipListsOrEmpty()) {
            Subject about = Subject.of(Names.ipList(l));
            names.check(about, l.name(), l, out);
            List<IPAddressSeqRange> included = new ArrayList<>();
            List<IpRange> exclusionEntries = new ArrayList<>();
            List<IPAddressSeqRange> excluded = new ArrayList<>();
            for (IpRange r : l.ipRangesOrEmpty()) {
                AddressParsing.Parsed p = AddressParsing.range(r.fromIp(), r.toIp());
                if (!p.ok()) {
                    out.add(about.then("range " + r.display()), "invalid_ip_range", p.problem());
                } else if (r.isExclusion()) {
                    exclusionEntries.add(r);
                    excluded.add(p.range());
                } else {
                    included.add(p.range());
                }
            }
            if (excluded.isEmpty()) continue;
            Covered covered = new Covered(included);
            for (int i = 0; i < excluded.size(); i++) {
                if (!covered.contains(excluded.get(i))) {
                    out.add(about.then("exclusion " + exclusionEntries.get(i).display()), "exclusion_outside_ip_list",
                            "the exclusion is not inside the list's included ranges; an exclusion only removes"
                                    + " addresses the same list includes, so widen the inclusions or narrow it");
                }
            }
        }
    }

    /** The union of the included ranges, merged and sorted per IP version, answering containment by binary search. */
    private static final class Covered {
        private final IPAddressSeqRange[] v4;
        private final IPAddressSeqRange[] v6;

        Covered(List<IPAddressSeqRange> ranges) {
            v4 = merge(ranges.stream().filter(r -> r.getLower().isIPv4()).toArray(IPAddressSeqRange[]::new));
            v6 = merge(ranges.stream().filter(r -> r.getLower().isIPv6()).toArray(IPAddressSeqRange[]::new));
        }

        /** Sorts and merges overlapping and adjacent ranges, so a range covered by the union lies in one of them. */
        private static IPAddressSeqRange[] merge(IPAddressSeqRange[] ranges) {
            Arrays.sort(ranges, Comparator.comparing(IPAddressSeqRange::getLower));
            List<IPAddressSeqRange> out = new ArrayList<>();
            for (IPAddressSeqRange r : ranges) {
                int last = out.size() - 1;
                if (last >= 0 && r.getLower().getValue()
                        .compareTo(out.get(last).getUpper().getValue().add(BigInteger.ONE)) <= 0) {
                    IPAddressSeqRange cur = out.get(last);
                    IPAddress upper = cur.getUpper().compareTo(r.getUpper()) >= 0 ? cur.getUpper() : r.getUpper();
                    out.set(last, cur.getLower().spanWithRange(upper));
                } else {
                    out.add(r);
                }
            }
            return out.toArray(IPAddressSeqRange[]::new);
        }

        boolean contains(IPAddressSeqRange r) {
            IPAddressSeqRange[] sorted = r.getLower().isIPv4() ? v4 : v6;
            int lo = 0;
            int hi = sorted.length - 1;
            int candidate = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid].getLower().compareTo(r.getLower()) <= 0) {
                    candidate = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return candidate >= 0 && sorted[candidate].contains(r);
        }
    }
}
