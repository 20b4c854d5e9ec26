package dev.cordon.policy.validate;

import static dev.cordon.policy.validate.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.policy.model.ServicePort;
import dev.cordon.policy.model.ServiceRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service ports and inline ingress services: protocol, port range, ports only on TCP/UDP/SCTP, ICMP fields. */
class PortValidationTest {
    @Test
    void missingProtocolIsRejected() {
        assertThat(error(withServicePorts(new ServicePort(null, 80, null, null, null)), "service_port_protocol_required")
                .message()).contains("Service 'web ports'");
    }

    @Test
    void protocolOutOfRangeIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(300, null, null)), "invalid_protocol").message())
                .contains("300").contains("'web ports'");
    }

    @Test
    void portOutOfRangeIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(6, 70000, null)), "invalid_port").message())
                .contains("70000").contains("'web ports'");
    }

    @Test
    void negativePortIsRejected() {
        assertThat(errors(withServicePorts(ServicePort.of(17, -1, null)), "invalid_port")).hasSize(1);
    }

    @Test
    void toPortBelowPortIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(6, 90, 80)), "invalid_port_range").message())
                .contains("below").contains("'web ports'");
    }

    @Test
    void toPortWithoutPortIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(6, null, 80)), "invalid_port_range").message())
                .contains("needs a port");
    }

    @Test
    void portWithAllProtocolsIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(-1, 80, null)), "port_with_all_protocols").message())
                .contains("'web ports'");
    }

    @Test
    void portOnAProtocolWithoutPortsIsRejected() {
        assertThat(error(withServicePorts(ServicePort.of(1, 80, null)), "port_not_allowed_for_protocol").message())
                .contains("protocol 1").contains("'web ports'");
    }

    @Test
    void portsOnTcpUdpAndSctpAreAccepted() {
        assertValid(withServicePorts(ServicePort.of(6, 80, 90), ServicePort.of(17, 53, null),
                ServicePort.of(132, 0, 65535), ServicePort.of(47, null, null)));
    }

    @Test
    void icmpFieldsOnTcpAreRejected() {
        assertThat(error(withServicePorts(new ServicePort(6, null, null, 8, null)), "icmp_fields_not_allowed").message())
                .contains("'web ports'");
    }

    @Test
    void icmpTypeOutOfRangeIsRejected() {
        assertThat(error(withServicePorts(new ServicePort(1, null, null, 256, null)), "invalid_icmp_type").message())
                .contains("256");
    }

    @Test
    void icmpCodeOutOfRangeIsRejected() {
        assertThat(error(withServicePorts(new ServicePort(58, null, null, 1, -3)), "invalid_icmp_code").message())
                .contains("-3");
    }

    @Test
    void icmpCodeWithoutTypeIsRejected() {
        assertThat(error(withServicePorts(new ServicePort(1, null, null, null, 0)), "icmp_code_without_type").message())
                .contains("'web ports'");
    }

    @Test
    void icmpTypeAndCodeOnIcmpAreAccepted() {
        assertValid(withServicePorts(new ServicePort(1, null, null, 8, 0), new ServicePort(58, null, null, 128, null)));
    }

    @Test
    void serviceWithoutPortsIsRejected() {
        assertThat(error(withServicePorts(), "service_ports_required").message()).contains("'web ports'");
    }

    @Test
    void inlineIngressServicesAreCheckedLikeServicePorts() {
        assertThat(error(withRules(allowWithServices(List.of(ServiceRef.inline(6, 100, 99)))), "invalid_port_range")
                .message()).contains("sec_rules/1").contains("ingress service");
        assertThat(error(withRules(allowWithServices(List.of(ServiceRef.inline(-1, 22, null)))),
                "port_with_all_protocols").message()).contains("sec_rules/1");
        assertThat(error(withRules(allowWithServices(List.of(new ServiceRef(null, null, 22, null, null, null)))),
                "service_port_protocol_required").message()).contains("sec_rules/1");
    }
}
