package dev.cordon.dataplane.kernel;

/** {@link FlowCaptureKernelSuite} with the rules in iptables' form ({@code CONNMARK}, {@code NFLOG}). */
class IptablesFlowCaptureKernelTest extends FlowCaptureKernelSuite {
    @Override
    void rules(Lab.Host h, boolean v6, boolean dnat) {
        String ipt = v6 ? "ip6tables" : "iptables";
        h.run(ipt, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        h.run(ipt, "-w", "-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "NFLOG", "--nflog-group", "1703",
                "--nflog-prefix", "cordon D 7");
        h.run(ipt, "-w", "-A", "INPUT", "-p", "tcp", "--dport", "81", "-j", "DROP");
        h.run(ipt, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "NEW", "-j", "CONNMARK", "--set-xmark",
                String.format("0x%x/0x%x", FOREIGN_BIT, FOREIGN_BIT));
        h.run(ipt, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "NEW", "-j", "CONNMARK", "--set-xmark",
                String.format("0x%x/0x3fff0000", TAG));
        if (dnat) {
            h.run(ipt, "-w", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", "8080", "-j", "DNAT",
                    "--to-destination", "10.78.0.9:80");
        }
    }
}
