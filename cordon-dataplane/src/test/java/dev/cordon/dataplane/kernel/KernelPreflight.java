package dev.cordon.dataplane.kernel;

import dev.cordon.dataplane.exec.CommandResult;
import dev.cordon.dataplane.exec.ProcessCommandRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * Kernel tests need root and real tools. They never skip: a missing tool or missing root fails the test with a
 * message saying what to install (under {@code CI=true} and outside alike).
 */
final class KernelPreflight {
    private static volatile String problem;
    private static volatile boolean checked;

    private KernelPreflight() {}

    static synchronized void require() {
        if (!checked) {
            problem = find();
            checked = true;
        }
        if (problem != null) throw new AssertionError(problem);
    }

    private static String find() {
        ProcessCommandRunner host = ProcessCommandRunner.host();
        List<String> missing = new ArrayList<>();
        for (String[] tool : new String[][] {{"iptables", "-V"}, {"ip6tables", "-V"}, {"ipset", "-v"}, {"ip", "-V"},
                {"conntrack", "-V"}, {"python3", "-V"}, {"nft", "-v"}}) {
            if (!host.run(tool).ok()) missing.add(tool[0]);
        }
        CommandResult id = host.run("id", "-u");
        String ci = "true".equals(System.getenv("CI")) ? " (CI=true: kernel tests never skip)" : "";
        if (!missing.isEmpty()) {
            return "kernel tests need " + String.join(", ", missing) + " on PATH" + ci
                    + ": apt-get install -y iptables ipset conntrack iproute2 python3 nftables";
        }
        if (!id.ok() || !id.stdout().strip().equals("0")) {
            return "kernel tests need root (they create network namespaces and program iptables)" + ci
                    + ": run the build as root, e.g. sudo mvn ...";
        }
        return null;
    }
}
