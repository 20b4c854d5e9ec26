package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.json.PolicyJson;
import dev.cordon.policy.testing.Scenarios;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The runnable jar itself, as the README and the acceptance command use it. */
class CordonJarIT {

    private static String[] run(String... args) throws Exception {
        String jar = System.getProperty("cordon.jar");
        assertThat(jar).as("system property cordon.jar").isNotNull();
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", jar));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    @Test
    void acceptanceCheckPrintsAnAllowedDecisionNamingSecRule1() throws Exception {
        String[] r = run("policy", "check", Scenarios.folder().resolve("seed-precedence.json").toString(),
                "--from", "prod-web", "--to", "dev-web", "--port", "9997", "--proto", "tcp", "--json");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        JsonNode d = PolicyJson.mapper().readTree(r[1]);
        assertThat(d.path("allowed").asBoolean()).isTrue();
        assertThat(r[1]).contains("/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/1");
    }

    @Test
    void demoPolicyOnlyRunsFromTheJar() throws Exception {
        String[] r = run("demo", "--policy-only");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("DECIDING RULE").contains("-A CORDON-INPUT");
    }

    /** The README's first command, live: real VENs in namespaces, real traffic, a tamper repaired (needs root). */
    @Test
    void liveDemoShowsTheTrafficMatrixAndTheTamperRepair() throws Exception {
        assertThat(System.getProperty("user.name")).as("the live demo test runs as root (CI does)").isEqualTo("root");
        String[] r = run("demo", "--no-wait");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("4 VENs activated: dev-db, dev-web, prod-db, prod-web").contains("the kernel did exactly what the engine said, for every flow")
                .contains("the VEN removed it and restored its firewall").contains("agent.tampering")
                .contains("web console http://127.0.0.1:");
        // the matrix ends with the flows the VENs reported, read back through the Explorer API
        String out = r[1];
        assertThat(out).contains("Reading the flows the VENs reported").doesNotContain("(the Explorer query failed")
                .doesNotContain("was reported within");
        String flows = out.substring(out.indexOf("Reading the flows the VENs reported"), out.indexOf("Tampering:"));
        assertThat(flows).contains("SOURCE", "DESTINATION", "REPORTED", "DECISION", "RULE", "CONNS");
        assertThat(flows.lines().filter(l -> l.contains("dev-db (10.1.2.20)") && l.contains("potentially_blocked")
                && l.contains("by dst"))).as("the visibility_only host's would-be blocks:\n%s", flows).isNotEmpty();
        assertThat(flows.lines().filter(l -> l.contains(" blocked ") && l.contains("deny_rules/")))
                .as("a drop with its deciding rule:\n%s", flows).isNotEmpty();
        assertThat(flows.lines().filter(l -> l.contains(" allowed ") && l.contains("sec_rules/") && l.contains(" in '")))
                .as("an allowed flow naming its rule and rule set:\n%s", flows).isNotEmpty();
        assertThat(flows).contains("potentially_blocked: dev-db (visibility_only)");
        Process p = new ProcessBuilder("ip", "netns", "list").start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).doesNotContain("cordon-demo-");
    }

    @Test
    void benchCompilePrintsOneJsonLinePerMeasure() throws Exception {
        String[] r = run("bench", "compile", "--workloads", "2000", "--rules", "200");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        List<String> measures = new ArrayList<>();
        for (String line : r[1].split("\n")) measures.add(PolicyJson.mapper().readTree(line).path("measure").asText());
        assertThat(measures).contains("load", "index", "full_compile", "relabel_one_workload", "add_one_rule", "peak_heap");
    }

    /** A small PCE benchmark: every simulated VEN gets the provisioned policy and the baseline is measured too. */
    @Test
    void benchPceUpdatesEveryVenAndMeasuresTheBaseline() throws Exception {
        String[] r = run("bench", "pce", "--vens", "50");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        java.util.Map<String, JsonNode> phases = new java.util.HashMap<>();
        for (String line : r[1].split("\n")) {
            JsonNode n = PolicyJson.mapper().readTree(line);
            phases.put(n.path("phase").asText(), n);
        }
        assertThat(phases).containsKeys("activate", "provision_to_last_ven", "baseline_fetch_all", "heartbeats");
        assertThat(phases.get("provision_to_last_ven").path("all_updated").asBoolean()).as(r[1]).isTrue();
        assertThat(phases.get("provision_to_last_ven").path("updated").asInt()).isEqualTo(50);
        assertThat(phases.get("baseline_fetch_all").path("answered").asInt()).as(r[1]).isEqualTo(50);
        assertThat(phases.get("baseline_fetch_all").has("provision_last_ms_over_baseline")).as(r[1]).isTrue();
        assertThat(phases.get("heartbeats").path("per_second").asDouble()).isPositive();
    }

    /** A small admin-API load: every call kind is reported, with the baseline, and no call failed (no timings asserted). */
    @Test
    void benchApiReportsEveryCallKindAndNoErrors() throws Exception {
        String[] r = run("bench", "api", "--clients", "4", "--seconds", "3", "--workloads", "100", "--rules", "40");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        java.util.Map<String, JsonNode> calls = new java.util.TreeMap<>();
        java.util.Map<String, JsonNode> phases = new java.util.HashMap<>();
        for (String line : r[1].split("\n")) {
            JsonNode n = PolicyJson.mapper().readTree(line);
            phases.put(n.path("phase").asText(), n);
            if (n.path("phase").asText().equals("call")) calls.put(n.path("call").asText(), n);
        }
        assertThat(calls.keySet()).as(r[1]).containsExactlyInAnyOrder("get_labels", "get_workloads", "get_rule_sets",
                "get_events", "create_label", "update_label", "create_ip_list", "update_ip_list", "policy_check_draft",
                "policy_check_active", "provision");
        calls.forEach((call, n) -> {
            assertThat(n.path("count").asLong()).as(call + ": " + n).isPositive();
            assertThat(n.path("errors").asLong()).as(call + ": " + n).isZero();
        });
        assertThat(phases).containsKeys("seed", "baseline_health", "summary");
        assertThat(phases.get("warm_up").has("first_policy_check_draft_ms")).as("the cold first checks, reported").isTrue();
        assertThat(phases.get("baseline_health").path("errors").asLong()).as(r[1]).isZero();
        assertThat(phases.get("summary").path("errors").asLong()).as(r[1]).isZero();
        assertThat(phases.get("summary").has("baseline_over_load_rate")).as(r[1]).isTrue();
        assertThat(r[2]).as("progress on standard error").contains("bench api: mixed load");
    }

    @Test
    void compileIptablesPrintsTheIpsetPartThenEachTable() throws Exception {
        String[] r = run("policy", "compile", Scenarios.folder().resolve("seed-precedence.json").toString(),
                "--workload", "dev-web", "--format", "iptables");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("create cordon-").contains("*filter").contains("CORDON-INPUT").contains("COMMIT");
        assertThat(r[1].indexOf("create cordon-")).isLessThan(r[1].indexOf("*filter"));
    }
}
