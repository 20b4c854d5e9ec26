package dev.cordon.policy.validate;

import inet.ipaddr.AddressStringParameters.RangeParameters;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressSeqRange;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * Strict address parsing with the {@code ipaddress} library. Its defaults accept far more than an operator means
 * by "an address" (wildcards {@code 10.0.0.*}, ranges {@code 10.0.0.1-5}, inet_aton forms {@code 10.1}, the empty
 * string, masks, zones); each of those would be read one way here and perhaps another way by iptables, so they are
 * refused. Leading zeros in IPv4 are refused too: {@code 010.0.0.1} is octal to some tools and decimal to others.
 */
public final class AddressParsing {
    private static final IPAddressStringParameters STRICT = strict();

    /** A parsed range, or the reason the text is not one. */
    record Parsed(IPAddressSeqRange range, String problem) {
        static Parsed problem(String why) {
            return new Parsed(null, why);
        }

        boolean ok() {
            return range != null;
        }
    }

    private AddressParsing() {}

    private static IPAddressStringParameters strict() {
        IPAddressStringParameters.Builder b = new IPAddressStringParameters.Builder()
                .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
                .allowWildcardedSeparator(false).setRangeOptions(RangeParameters.NO_RANGE).allow_inet_aton(false);
        b.getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowPrefixesBeyondAddressSize(false)
                .allowBinary(false).setRangeOptions(RangeParameters.NO_RANGE);
        b.getIPv6AddressParametersBuilder().allowZone(false).allowBase85(false).allowBinary(false)
                .allowPrefixesBeyondAddressSize(false).setRangeOptions(RangeParameters.NO_RANGE);
        return b.toParams();
    }

    /** One IPv4 or IPv6 address without a prefix length; {@code null} when the text is not one. */
    public static IPAddress address(String text) {
        IPAddress a = parse(text);
        return a == null || a.isPrefixed() ? null : a;
    }

    /** An address or a CIDR block; {@code null} when the text is neither. */
    static IPAddress addressOrCidr(String text) {
        return parse(text);
    }

    /**
     * An IP-list entry: {@code from} an address or CIDR; with {@code to}, both plain addresses of one IP version,
     * {@code to >= from}. A CIDR stands for its whole block.
     */
    static Parsed range(String from, String to) {
        if (from == null || from.isBlank()) {
            return Parsed.problem("from_ip is missing; give an address or a CIDR such as 10.0.0.0/24");
        }
        IPAddress lo = addressOrCidr(from);
        if (lo == null) {
            return Parsed.problem("from_ip '" + from + "' is not an IPv4 or IPv6 address or CIDR");
        }
        if (to == null || to.isBlank()) {
            return new Parsed(lo.toPrefixBlock().toSequentialRange(), null);
        }
        if (lo.isPrefixed()) {
            return Parsed.problem("from_ip '" + from + "' is a CIDR, but a range with to_ip starts at a single"
                    + " address; give the CIDR alone or two addresses");
        }
        IPAddress hi = address(to);
        if (hi == null) {
            return Parsed.problem("to_ip '" + to + "' is not a single IPv4 or IPv6 address");
        }
        if (lo.isIPv4() != hi.isIPv4()) {
            return Parsed.problem("from_ip '" + from + "' and to_ip '" + to + "' are of different IP versions; give"
                    + " both as IPv4 or both as IPv6");
        }
        if (hi.compareTo(lo) < 0) {
            return Parsed.problem("to_ip '" + to + "' is below from_ip '" + from + "'; give the range low to high");
        }
        return new Parsed(lo.spanWithRange(hi), null);
    }

    private static IPAddress parse(String text) {
        if (text == null || text.isBlank()) return null;
        return new IPAddressString(text.trim(), STRICT).getAddress();
    }
}
