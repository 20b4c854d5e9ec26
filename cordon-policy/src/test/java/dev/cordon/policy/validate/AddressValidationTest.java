package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.CoexistenceEntry;
import dev.cordon.policy.model.FirewallSettings;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.IpRange;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Ref;
import dev.cordon.policy.model.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Interface addresses, IP-list entries and exclusions, and the other enumerated workload and settings fields. */
class AddressValidationTest {
    @Test
    void malformedInterfaceAddressIsRejected() {
        assertThat(error(withInterface(Interface.of("eth0", "10.0.0.300")), "invalid_ip_address").message())
                .contains("10.0.0.300").contains("Workload 'a'").contains("interface eth0");
    }

    @Test
    void wildcardAndShortFormsAreNotAddresses() {
        for (String text : List.of("10.0.0.*", "10.1", "010.0.0.1", "10.0.0.1-5", "", "fe80::1%eth0")) {
            assertThat(errors(withInterface(Interface.of("eth0", text)), "invalid_ip_address")).as(text).hasSize(1);
        }
    }

    @Test
    void interfaceAddressWithAPrefixIsRejectedPointingToCidrBlock() {
        assertThat(error(withInterface(Interface.of("eth0", "10.0.0.1/24")), "invalid_ip_address").message())
                .contains("cidr_block");
    }

    @Test
    void cidrBlockLongerThanTheAddressIsRejected() {
        assertThat(error(withInterface(new Interface("eth0", "10.0.0.1", 33)), "invalid_cidr_block").message())
                .contains("33").contains("0-32").contains("Workload 'a'");
    }

    @Test
    void unknownVenTypeIsRejected() {
        PolicyDocument d = base().withWorkloads(List.of(Workload.managed(WL, "a", List.of(), List.of(), null, "laptop",
                "linux")));
        assertThat(error(d, "invalid_ven_type").message()).contains("'laptop'").contains("Workload 'a'");
    }

    @Test
    void managedWorkloadWithoutEnforcementModeIsAccepted() {
        assertValid(base().withWorkloads(List.of(Workload.managed(WL, "a", List.of(Ref.of(WEB)),
                List.of(Interface.of("eth0", "10.0.0.1")), null, "endpoint", "linux"))));
    }

    @Test
    void malformedCidrIsRejected() {
        assertThat(error(withIpRanges(IpRange.of("10.0.0.0/33")), "invalid_ip_range").message())
                .contains("10.0.0.0/33").contains("IP list 'partners'");
    }

    @Test
    void rangeEndingBelowItsStartIsRejected() {
        assertThat(error(withIpRanges(new IpRange("10.0.0.9", "10.0.0.1", false, null)), "invalid_ip_range").message())
                .contains("below").contains("'partners'");
    }

    @Test
    void rangeAcrossIpVersionsIsRejected() {
        assertThat(error(withIpRanges(new IpRange("10.0.0.1", "::1", false, null)), "invalid_ip_range").message())
                .contains("different IP versions");
    }

    @Test
    void rangeStartingAtACidrIsRejected() {
        assertThat(error(withIpRanges(new IpRange("10.0.0.0/24", "10.0.1.0", false, null)), "invalid_ip_range")
                .message()).contains("is a CIDR");
    }

    @Test
    void rangeEndingAtACidrIsRejected() {
        assertThat(error(withIpRanges(new IpRange("10.0.0.1", "10.0.1.0/24", false, null)), "invalid_ip_range")
                .message()).contains("to_ip '10.0.1.0/24'");
    }

    @Test
    void entryWithoutFromIpIsRejected() {
        assertThat(error(withIpRanges(new IpRange(null, null, false, null)), "invalid_ip_range").message())
                .contains("from_ip is missing");
    }

    @Test
    void exclusionOutsideItsInclusionsIsRejected() {
        assertThat(error(withIpRanges(IpRange.of("10.0.0.0/24"), IpRange.excluded("10.0.1.0/28")),
                "exclusion_outside_ip_list").message()).contains("10.0.1.0/28").contains("'partners'");
    }

    @Test
    void exclusionOfTheOtherIpVersionIsRejected() {
        assertThat(errors(withIpRanges(IpRange.of("10.0.0.0/8"), IpRange.excluded("fd00::/64")),
                "exclusion_outside_ip_list")).hasSize(1);
    }

    @Test
    void exclusionSpanningAdjacentInclusionsIsAccepted() {
        assertValid(withIpRanges(IpRange.of("10.0.0.0/25"), new IpRange("10.0.0.128", "10.0.0.255", false, null),
                new IpRange("10.0.0.100", "10.0.0.200", true, null), IpRange.of("fd00::/64"),
                IpRange.excluded("fd00::5")));
    }

    @Test
    void coexistenceWorkloadModeMustBeEnforcedOrIlluminated() {
        PolicyDocument d = base().withFirewallSettings(FirewallSettings.of(List.of(
                new CoexistenceEntry(true, List.of(Ref.of(PROD)), "illuminated"),
                new CoexistenceEntry(false, List.of(), "sometimes"))));
        assertThat(error(d, "invalid_workload_mode").message()).contains("'sometimes'").contains("entry 2");
    }
}
