package dev.cordon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.Engine;
import dev.cordon.policy.conflict.Conflict;
import dev.cordon.policy.decide.Decision;
import dev.cordon.policy.decide.EndDecision;
import dev.cordon.policy.decide.Flow;
import dev.cordon.policy.decide.RuleRef;
import dev.cordon.cli.demo.LiveDemo;
import dev.cordon.policy.json.PolicyJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cordon demo}: the example org Cordon ships (the rule-precedence example: prod and dev web and database hosts,
 * a deny, an allow that beats it, an override deny, four enforcement modes). As root with network
 * namespaces it runs live: a PCE, the org built through the REST API, one real VEN per workload in its own namespace,
 * the traffic matrix checked with real connections, a tampering attempt repaired and reported, then the console URL
 * and API key until Ctrl-C. Elsewhere it says why and runs the policy-only part: verdicts, deciding rules,
 * conflicts and a compiled firewall.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The guided demonstration. Live (root, network namespaces): a PCE, real VENs in namespaces, real"
                + " traffic, a tamper repaired; otherwise the policy-only part.",
        footer = {"", "Examples:", "  sudo ./cordon demo", "  ./cordon demo --policy-only", "  sudo ./cordon demo --no-wait"})
final class DemoCommand implements Callable<Integer> {
    static final String EXAMPLE = "/examples/precedence.json";
    private static final String VEN_LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.cordon.ven";

    @CommandLine.Option(names = "--policy-only", description = "Skip the live part (no PCE, VENs or namespaces).")
    boolean policyOnly;

    @CommandLine.Option(names = "--no-wait", description = "Exit after the live part instead of waiting for Ctrl-C.")
    boolean noWait;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String text;
        try (InputStream in = DemoCommand.class.getResourceAsStream(EXAMPLE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode scenario = PolicyJson.mapper().readTree(text);
        String why = policyOnly ? "--policy-only was given" : LiveDemo.unavailableBecause();
        if (why == null) return live(out, scenario);
        out.println("(The live demo is skipped: " + why + ". Showing the policy-only part.)");
        out.println();
        return policyOnly(out, text, scenario);
    }

    private int live(PrintWriter out, JsonNode scenario) {
        // the demo prints its own progress; the VENs' routine log lines (activated, applied) would only interleave
        // with it, so they log warnings only (a tamper repair still shows), unless the operator asked otherwise
        if (System.getProperty(VEN_LOG_LEVEL) == null) System.setProperty(VEN_LOG_LEVEL, "warn");
        out.println("Cordon demo: " + scenario.path("description").asText());
        out.println();
        LiveDemo demo = new LiveDemo(out, scenario);
        Thread cleanup = new Thread(demo::close, "cordon-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            demo.run();
            if (!noWait) {
                out.println("Press Ctrl-C to stop; everything the demo created is removed on exit.");
                out.flush();
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return Cli.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Cli.OK;
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("demo_failed: " + e.getMessage());
            return Cli.FAILED;
        } finally {
            demo.close();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs the cleanup
            }
        }
    }

    private int policyOnly(PrintWriter out, String text, JsonNode scenario) {
        Engine engine = Engine.of(PolicyJson.readDocument(text));
        out.println("Cordon demo: " + scenario.path("description").asText());
        out.println();
        out.printf("%-14s %-14s %-9s %-8s %-20s %-20s %s%n", "FROM", "TO", "SERVICE", "VERDICT", "SOURCE END",
                "DESTINATION END", "DECIDING RULE");
        int mismatches = 0;
        for (JsonNode c : scenario.path("checks")) {
            String from = c.path("from").asText();
            String to = c.path("to").asText();
            int port = c.path("port").asInt();
            Flow flow = new Flow(PolicyCommand.address(engine, from, "from"), PolicyCommand.address(engine, to, "to"),
                    PolicyCommand.protocol(c.path("proto").asText()), port);
            Decision d = engine.explain(flow);
            String verdict = d.allowed() ? "allowed" : "BLOCKED";
            if (!verdict.equalsIgnoreCase(c.path("expect").asText())) mismatches++;
            RuleRef rule = d.decidingRule();
            out.printf("%-14s %-14s %-9s %-8s %-20s %-20s %s%n", from, to,
                    port + "/" + c.path("proto").asText(), verdict, end(d.source()), end(d.destination()),
                    rule == null ? "(mode default)" : rule.kind() + " " + tail(rule.href()) + " (" + rule.ruleSetName() + ")");
            out.printf("%-14s   why: %s%n", "", c.path("why").asText());
        }
        out.println();
        out.println("Rule conflicts:");
        for (Conflict c : engine.conflicts()) {
            out.printf("  %s: %s vs %s, e.g. %s -> %s port %s%n", c.kind().wire(), tail(c.rule().href()),
                    tail(c.conflictingRule().href()), c.exampleFlow().src(), c.exampleFlow().dst(),
                    c.exampleFlow().port() == null ? "any" : c.exampleFlow().port());
        }
        out.println();
        String host = LiveDemo.tamperTarget(scenario.path("policy"));
        out.println("Compiled firewall of " + host + " (what its VEN applies; `cordon policy compile --format iptables`):");
        for (String line : Dataplanes.render(engine.compile(host, 0)).split("\n")) {
            if (line.startsWith("-A CORDON-INPUT") || line.startsWith("add cordon-in")) out.println("  " + line);
        }
        out.println();
        out.println("Try: ./cordon policy check <file> --from prod-web --to dev-web --port 9997 --proto tcp --json");
        if (mismatches > 0) {
            spec.commandLine().getErr().println(mismatches + " verdicts differ from the example's expectations");
            return Cli.FAILED;
        }
        return Cli.OK;
    }

    private static String end(EndDecision e) {
        return e.verdict().wire() + (e.workload() == null ? "" : "");
    }

    private static String tail(String href) {
        int i = href.indexOf("/rule_sets/");
        return i < 0 ? href : href.substring(i + 1);
    }
}
