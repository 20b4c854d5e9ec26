package dev.cordon.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cordon.policy.Engine;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.policy.conflict.Conflict;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.DecisionJson;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.model.Interface;
import dev.cordon.policy.model.PolicyDocument;
import dev.cordon.policy.model.Workload;
import dev.cordon.policy.validate.ValidationError;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code cordon policy ...}: work with a policy document file, without a PCE. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Validate, explain, compile and check a policy document (JSON, API.md shapes). A scenario"
                + " file (an object with a \"policy\" field) is accepted too.",
        footer = {"", "Examples:", "  cordon policy validate policy.json",
                "  cordon policy check policy.json --from prod-web --to dev-web --port 9997 --proto tcp --json",
                "  cordon policy compile policy.json --workload prod-web --format iptables",
                "  cordon policy conflicts policy.json", "  sudo cordon policy apply policy.json --workload prod-web --netns web1"},
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.Check.class, PolicyCommand.Compile.class,
                PolicyCommand.Conflicts.class, PolicyCommand.Apply.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Engine engine(Path file) {
        return Engine.of(PolicyJson.readDocument(file));
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Report every problem in the document, one per line as 'token: message'.",
            footer = {"", "Example:", "  cordon policy validate policy.json", "",
                    "Exit codes: 0 valid, 2 invalid (all errors printed)."})
    static final class Validate implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The policy document.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PolicyDocument doc = PolicyJson.readDocument(file);
            List<ValidationError> errors = Engine.validate(doc);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (errors.isEmpty()) {
                out.println("valid: " + doc.workloadsOrEmpty().size() + " workloads, " + doc.ruleSetsOrEmpty().size()
                        + " rule sets");
                return Cli.OK;
            }
            errors.forEach(err::println);
            return Cli.BAD_INPUT;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Is this flow allowed, at which end is it decided, and by which rule.",
            footer = {"", "Examples:",
                    "  cordon policy check policy.json --from prod-web --to dev-web --port 9997 --proto tcp",
                    "  cordon policy check policy.json --from 203.0.113.7 --to prod-web --port 443 --proto tcp --json",
                    "", "Exit codes: 0 whatever the verdict, 2 bad input."})
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The policy document.")
        Path file;

        @Option(names = "--from", required = true, description = "Source: workload name, hostname, href or IP address.")
        String from;

        @Option(names = "--to", required = true, description = "Destination: workload name, hostname, href or IP address.")
        String to;

        @Option(names = "--port", description = "Destination port (for ICMP: the ICMP type; omit for any).")
        Integer port;

        @Option(names = "--proto", required = true, description = "tcp, udp, icmp, icmpv6 or a protocol number.")
        String proto;

        @Option(names = "--json", description = "Print the decision object as JSON.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Engine engine = engine(file);
            Flow flow = new Flow(address(engine, from, "--from"), address(engine, to, "--to"), protocol(proto), port);
            if (port != null && (port < 0 || port > 65535)) {
                throw new Cli.UserError("bad_port: --port " + port + " is out of range; use 0-65535.");
            }
            if (port != null && (flow.proto() == 1 || flow.proto() == 58) && port > 255) {
                throw new Cli.UserError("bad_port: with --proto " + proto + ", --port is the ICMP type, 0-255, not " + port + ".");
            }
            Decision d = engine.explain(flow);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(PolicyJson.writePretty(DecisionJson.decision(d)));
            } else {
                out.printf("%s -> %s  %s/%s: %s%n", label(from, flow.src()), label(to, flow.dst()),
                        proto.toLowerCase(Locale.ROOT), port == null ? "any" : port, d.allowed() ? "ALLOWED" : "BLOCKED");
                out.println("  source:      " + describe(d.source()));
                out.println("  destination: " + describe(d.destination()));
            }
            return Cli.OK;
        }

        private static String label(String given, String address) {
            return given.equals(address) ? address : given + " (" + address + ")";
        }
    }

    static String describe(EndDecision e) {
        String rule = e.rule() == null ? "no rule (mode default)"
                : e.rule().kind().replace('_', ' ') + " rule " + e.rule().href() + " in rule set '"
                + e.rule().ruleSetName() + "'";
        return String.format("%-20s %s; %s", e.verdict().wire(), rule, e.reason());
    }

    static String address(Engine engine, String nameOrIp, String option) {
        if (dev.cordon.policy.validate.AddressParsing.address(nameOrIp) != null) return nameOrIp.trim();
        Workload w = engine.findWorkload(nameOrIp).orElseThrow(() -> new Cli.UserError((looksLikeAnAddress(nameOrIp)
                ? "bad_address: " + option + " '" + nameOrIp + "' is not a single IPv4 or IPv6 address (four decimal"
                        + " numbers like 10.1.1.10, or IPv6 like fd00::1; no prefix length, ranges or short forms)"
                : "unknown_workload: " + option + " '" + nameOrIp + "' is neither an IP address nor a workload name,"
                        + " hostname or href in this document") + "."));
        List<Interface> itfs = w.interfacesOrEmpty();
        if (itfs.isEmpty()) {
            throw new Cli.UserError("workload_without_interfaces: workload " + w.display()
                    + " has no interface address; give an IP address instead.");
        }
        return itfs.get(0).address();
    }

    /** Digits, dots, colons, slashes and hex: meant as an address (so "not a workload" would mislead). */
    private static boolean looksLikeAnAddress(String s) {
        return s.isBlank() || s.matches("[0-9a-fA-FxX.:/\\[\\]%-]+") && s.chars().anyMatch(Character::isDigit);
    }

    static int protocol(String p) {
        switch (p.toLowerCase(Locale.ROOT)) {
            case "tcp": return 6;
            case "udp": return 17;
            case "icmp": return 1;
            case "icmpv6": case "ipv6-icmp": return 58;
            default:
                try {
                    int n = Integer.parseInt(p);
                    if (n >= 0 && n <= 255) return n;
                } catch (NumberFormatException ignored) {
                    // fall through to the error below
                }
                throw new Cli.UserError("bad_protocol: --proto '" + p
                        + "' is not tcp, udp, icmp, icmpv6 or a protocol number 0-255.");
        }
    }

    @Command(name = "compile", mixinStandardHelpOptions = true,
            description = "Print a workload's firewall policy: the FirewallPolicy JSON the VEN receives, or the"
                    + " ipset/iptables-restore text it would apply.",
            footer = {"", "Examples:", "  cordon policy compile policy.json --workload prod-web",
                    "  cordon policy compile policy.json --workload prod-web --format iptables"})
    static final class Compile implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The policy document.")
        Path file;

        @Option(names = "--workload", required = true, description = "Workload name, hostname or href.")
        String workload;

        @Option(names = "--format", defaultValue = "json", description = "json (default) or iptables.")
        String format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Engine engine = engine(file);
            FirewallPolicy p = engine.compile(workload, 0);
            PrintWriter out = spec.commandLine().getOut();
            engine.compileAll().warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            switch (format) {
                case "json" -> out.println(PolicyJson.writePretty(p));
                case "iptables" -> out.print(Dataplanes.render(p));
                case "nftables" -> out.print(Dataplanes.renderNftables(p));
                default -> throw new Cli.UserError("bad_format: --format '" + format + "': use json, iptables or nftables.");
            }
            return Cli.OK;
        }
    }

    @Command(name = "conflicts", mixinStandardHelpOptions = true,
            description = "Allow rules blocked by override-deny rules, and deny rules re-allowed by allow rules,"
                    + " each with an example flow.",
            footer = {"", "Example:", "  cordon policy conflicts policy.json --json"})
    static final class Conflicts implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The policy document.")
        Path file;

        @Option(names = "--json", description = "Print the conflicts as a JSON array (API rule_conflicts shape).")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Conflict> conflicts = engine(file).conflicts();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode a = PolicyJson.mapper().createArrayNode();
                for (Conflict c : conflicts) a.add(PolicyJson.tree(c));
                out.println(PolicyJson.writePretty(a));
                return Cli.OK;
            }
            if (conflicts.isEmpty()) out.println("no conflicts");
            for (Conflict c : conflicts) {
                Conflict.ExampleFlow f = c.exampleFlow();
                out.printf("%s: %s vs %s, e.g. %s -> %s proto %d port %s%n", c.kind().wire(), c.rule().href(),
                        c.conflictingRule().href(), f.src(), f.dst(), f.proto(), f.port() == null ? "any" : f.port());
            }
            return Cli.OK;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Enforce a workload's policy on this host (or inside a network namespace) once, through"
                    + " the same code the VEN uses, and exit: standalone enforcement without a PCE. Needs root.",
            footer = {"", "Examples:", "  cordon policy apply policy.json --workload prod-web",
                    "  cordon policy apply policy.json --workload prod-web --netns web1",
                    "  cordon policy apply policy.json --workload prod-web --remove", "",
                    "Exit codes: 0 applied, 1 the kernel refused (the previous state stays in force), 2 bad input.",
                    "--remove takes Cordon's chains, jumps and ipsets away; what exclusive mode removed is not restored."})
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The policy document.")
        Path file;

        @Option(names = "--workload", required = true, description = "Workload name, hostname or href.")
        String workload;

        @Option(names = "--netns", description = "Enforce inside this network namespace instead of the host.")
        String netns;

        @Option(names = "--remove", description = "Remove Cordon's state instead of applying.")
        boolean remove;

        @Option(names = "--dataplane", defaultValue = "auto",
                description = "The dataplane backend: auto (nftables where nft and the kernel support it, else iptables),"
                        + " nftables or iptables. Default: ${DEFAULT-VALUE}.")
        String dataplane;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Engine engine = engine(file);
            FirewallPolicy p = engine.compile(workload, 0);
            dev.cordon.dataplane.Dataplane dp = Dataplanes.forHost(netns, Dataplanes.choice(dataplane));
            PrintWriter out = spec.commandLine().getOut();
            String where = netns == null ? "this host" : "network namespace " + netns;
            try {
                if (remove) {
                    dp.remove();
                    out.println("removed Cordon's chains, jumps and ipsets from " + where);
                    return Cli.OK;
                }
                dp.apply(p);
            } catch (dev.cordon.dataplane.DataplaneException e) {
                spec.commandLine().getErr().println("apply_failed: " + e.getMessage());
                return Cli.FAILED;
            }
            out.printf("applied the policy of %s to %s (%s backend): %s, %s, %d inbound and %d outbound entries, %d sets (hash %s)%n",
                    p.workload().name(), where, dp.backend(), p.enforcementMode().wire(), p.coexistence().wire(), p.inbound().size(),
                    p.outbound().size(), p.sets().size(), p.hash());
            return Cli.OK;
        }
    }
}
