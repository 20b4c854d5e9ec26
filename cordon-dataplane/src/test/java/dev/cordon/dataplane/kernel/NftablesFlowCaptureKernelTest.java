package dev.cordon.dataplane.kernel;

/**
 * {@link FlowCaptureKernelSuite} with the rules in native nft form, as the nftables render writes its flow tags
 * ({@code ct mark set ct mark & ~mask | tag}, {@code log ... group 1703}).
 */
class NftablesFlowCaptureKernelTest extends FlowCaptureKernelSuite {
    @Override
    void rules(Lab.Host h, boolean v6, boolean dnat) {
        String script = String.join("\n",
                "table inet capture {",
                "  chain input {",
                "    type filter hook input priority 0; policy accept;",
                "    ct state established,related accept",
                "    tcp dport 81 log prefix \"cordon D 7\" group 1703 snaplen 128",
                "    tcp dport 81 drop",
                "    ct state new ct mark set ct mark | " + String.format("0x%08x", FOREIGN_BIT),
                "    ct state new ct mark & 0x30000000 == 0 ct mark set ct mark & 0xc000ffff | " + String.format("0x%08x", TAG),
                "  }",
                "}",
                dnat ? "table ip capture-nat {\n  chain prerouting {\n    type nat hook prerouting priority -100; policy accept;\n"
                        + "    tcp dport 8080 dnat to 10.78.0.9:80\n  }\n}" : "",
                "");
        h.runWithInput(script, "nft", "-f", "-");
    }
}
