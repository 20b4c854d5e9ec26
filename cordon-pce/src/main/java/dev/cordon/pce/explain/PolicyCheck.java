package dev.cordon.pce.explain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyEngines;
import dev.cordon.pce.policy.PolicyHrefs;
import dev.cordon.policy.Engine;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.Workload;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code policy_check}: resolves the flow's ends (a workload by href, name or hostname stands for its first
 * interface address; an external IP for itself), asks the engine of the requested version to explain it, and
 * returns the matching rules of each kind and the decision at each end, with hrefs in that version's form.
 */
public final class PolicyCheck {
    private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58);
    private final PolicyEngines policy;

    public PolicyCheck(PolicyEngines policy) {
        this.policy = policy;
    }

    public String check(int org, String pversion, Map<String, String> q) {
        Engine engine = policy.engine(org, pversion);
        String src = end(engine, q.get("src_workload"), q.get("src_external_ip"), "src");
        String dst = end(engine, q.get("dst_workload"), q.get("dst_external_ip"), "dst");
        int proto = protocol(q.get("protocol"));
        Integer port = port(q.get("port"));
        Decision d = engine.explain(new Flow(src, dst, proto, port));
        ObjectNode out = Json.object();
        out.set("sec_rules", Json.MAPPER.valueToTree(d.secRules()));
        out.set("deny_rules", Json.MAPPER.valueToTree(d.denyRules()));
        out.set("override_deny_rules", Json.MAPPER.valueToTree(d.overrideDenyRules()));
        ObjectNode decision = out.putObject("decision");
        decision.put("allowed", d.allowed());
        decision.set("source", Json.MAPPER.valueToTree(d.source()));
        decision.set("destination", Json.MAPPER.valueToTree(d.destination()));
        JsonNode deciding = Json.MAPPER.valueToTree(d.decidingRule());
        decision.set("deciding_rule", deciding);
        ObjectNode flow = out.putObject("flow");
        flow.put("src", src).put("dst", dst).put("proto", proto);
        if (port != null) flow.put("port", port); else flow.putNull("port");
        return PolicyHrefs.rewrite(out.toString(), pversion);
    }

    private static String end(Engine engine, String workload, String ip, String side) {
        if ((workload == null) == (ip == null)) {
            throw ApiException.invalid("invalid_" + side, "Give exactly one of " + side + "_workload (href, name or"
                    + " hostname) and " + side + "_external_ip.");
        }
        if (ip != null) {
            if (dev.cordon.policy.validate.AddressParsing.address(ip) == null) {
                throw ApiException.invalid("invalid_" + side + "_external_ip", "'" + ip + "' is not an IPv4 or IPv6 address.");
            }
            return ip;
        }
        Optional<Workload> w = engine.findWorkload(PolicyHrefs.toDraft(workload));
        if (w.isEmpty()) {
            throw ApiException.invalid("unknown_workload", "No workload '" + workload + "' (" + side + "_workload):"
                    + " give a workload's href, name or hostname.");
        }
        return w.get().interfacesOrEmpty().stream().map(Interface::address).findFirst()
                .orElseThrow(() -> ApiException.invalid("workload_without_address", "Workload '" + w.get().display()
                        + "' has no interface address: use " + side + "_external_ip instead."));
    }

    private static int protocol(String p) {
        if (p == null) {
            throw ApiException.invalid("protocol_required", "Give protocol as a number (6 tcp, 17 udp, 1 icmp) or a name.");
        }
        Integer named = PROTOCOLS.get(p.toLowerCase(Locale.ROOT));
        if (named != null) return named;
        try {
            int n = Integer.parseInt(p);
            if (n < 0 || n > 255) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid_protocol", "protocol '" + p + "' is not a protocol number (0-255) or"
                    + " one of tcp, udp, icmp, icmpv6.");
        }
    }

    private static Integer port(String p) {
        if (p == null || p.isBlank()) return null;
        try {
            int n = Integer.parseInt(p);
            if (n < 0 || n > 65535) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid_port", "port '" + p + "' is not a number from 0 to 65535.");
        }
    }
}
