package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.console.ConsoleSession;
import dev.cordon.pce.harness.Api;
import dev.cordon.policy.model.EnforcementMode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's journey from visibility to enforcement (issue 15), with real VENs in network namespaces and real
 * headless Chromium: web and db of app=shop env=prod run in visibility_only with no rule for their traffic; web
 * connects to db on tcp/5432, an unmanaged host (ext) to web on tcp/80. Map and Explorer show those flows potentially
 * blocked; the Policy Generator proposes rules for the group, the user adds them to the draft and provisions;
 * enforcement readiness then shows nothing left to break; the group is switched to full in one action; the same
 * connections go through again and VENs report them {@code allowed}.
 */
class ConsoleJourneyE2ETest {
    static final String NET = "10.86.0.";

    @Test
    void visibilityToFullEnforcementThroughTheConsole() throws Exception {
        Instant from = Instant.now().minus(Duration.ofMinutes(5));
        long t0 = System.nanoTime();
        long[] at = new long[4]; // flows back potentially blocked, rules provisioned and applied, full applied, allowed back
        try (Fleet fleet = new Fleet()) {
            fleet.flowReportInterval = Duration.ofSeconds(1);
            Api api = fleet.api();
            String shop = label(api, "app", "shop");
            String prod = label(api, "env", "prod");
            String web = label(api, "role", "web");
            String db = label(api, "role", "db");
            // a rule set for the group with no rule yet, so that VENs get a first policy
            check(api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "shop", "scopes",
                    List.of(List.of(Map.of("label", Map.of("href", shop)), Map.of("label", Map.of("href", prod)))))), 201);
            long first = fleet.provision("shop, no rules yet");
            Lab.Host webHost = fleet.lab.host(NET + "1");
            Lab.Host dbHost = fleet.lab.host(NET + "2");
            Lab.Host ext = fleet.lab.host(NET + "9");
            dbHost.listen(Set.of("tcp:5432"));
            webHost.listen(Set.of("tcp:80"));
            List<Fleet.Ven> vens = List.of(
                    fleet.start("web", webHost, "web", fleet.activationCode("web", "visibility_only", List.of(shop, prod, web))),
                    fleet.start("db", dbHost, "db", fleet.activationCode("db", "visibility_only", List.of(shop, prod, db))));
            await(Duration.ofSeconds(40), "both VENs applying version " + first,
                    () -> vens.stream().allMatch(v -> v.version() >= first));
            // visibility only: nothing is dropped, both connections go through and are reported potentially blocked
            await(Duration.ofSeconds(30), "web reaching db:5432 and ext reaching web:80",
                    () -> TrafficE2ETest.probe(webHost, NET + "2", 5432, "tcp").ok() && TrafficE2ETest.probe(ext, NET + "1", 80, "tcp").ok());
            Explorer explorer = new Explorer(fleet.pceUrl(), Files.readString(fleet.pce.server.ownerKeyFile()).trim());
            await(Duration.ofSeconds(30), "the flows reported potentially blocked", () -> {
                List<JsonNode> flows = explorer.all(from, Instant.now().plus(Duration.ofHours(1)));
                return has(flows, NET + "1", NET + "2", 5432, "potentially_blocked")
                        && has(flows, NET + "9", NET + "1", 80, "potentially_blocked");
            });

            at[0] = System.nanoTime();
            try (ConsoleSession c = new ConsoleSession(fleet.pce)) {
                c.signInAsOwner();
                c.open("/console/map");
                c.waitFor(By.cssSelector("#map[data-drawn]"));
                @SuppressWarnings("unchecked")
                List<String> links = (List<String>) c.js("return window.cordonMap.edges().map(e => "
                        + "e.source().data('title') + ' > ' + e.target().data('title') + ': ' + e.data('decision')).sort()");
                assertThat(links).contains("app=shop · env=prod > app=shop · env=prod: potentially_blocked",
                        "Outside addresses > app=shop · env=prod: potentially_blocked");

                c.open("/console/traffic?range=1h&decision=potentially_blocked");
                c.waitFor(By.id("flows"));
                String explorerText = c.text(By.id("flows"));
                assertThat(explorerText).contains("web").contains("db").contains("tcp/5432").contains(NET + "9").contains("tcp/80");

                c.open("/console/generator?range=1h&scope_q=" + java.net.URLEncoder.encode("app=shop, env=prod", "UTF-8"));
                c.waitFor(By.id("coverage"));
                assertThat(c.text(By.id("coverage-after"))).isEqualTo("100%");
                List<WebElement> rules = c.all(By.cssSelector("#proposed-rules tr.proposed"));
                assertThat(rules).extracting(r -> r.getAttribute("data-kind"))
                        .containsExactlyInAnyOrder("intra_scope", "unmanaged_consumers");
                c.docScreenshot("journey-generator");
                c.click(By.id("apply-proposal"));
                assertThat(c.waitFor(By.id("notice")).getText()).contains("added to the draft with 2 rules and 1 IP lists");

                c.open("/console/provision");
                c.type(By.id("description"), "rules the Policy Generator proposed for shop");
                c.click(By.id("provision"));
                c.waitFor(By.id("notice"));
                long second = api.get("/orgs/1/sec_policy").body().findValues("version").stream().mapToLong(JsonNode::asLong)
                        .max().orElseThrow();
                assertThat(second).isGreaterThan(first);
                await(Duration.ofSeconds(40), "both VENs applying version " + second,
                        () -> vens.stream().allMatch(v -> v.version() >= second));

                at[1] = System.nanoTime();
                c.open("/console/readiness?range=1h&scope_q=" + java.net.URLEncoder.encode("app=shop, env=prod", "UTF-8"));
                c.waitFor(By.id("readiness-summary"));
                assertThat(c.text(By.id("readiness-summary"))).contains("Nothing left to break");
                assertThat(c.all(By.id("readiness-pending"))).as("everything is provisioned").isEmpty();
                c.docScreenshot("journey-readiness");
                c.clickAndAnswer(By.id("switch-to-full"), true);
                assertThat(c.waitFor(By.id("notice")).getText()).contains("2 workloads switched to full enforcement");
                await(Duration.ofSeconds(40), "both VENs enforcing in full", () -> vens.stream().allMatch(v ->
                        v.agent.lastGood().map(p -> p.enforcementMode() == EnforcementMode.FULL).orElse(false)));

                at[2] = System.nanoTime();
                // the same traffic, now enforced: it goes through and is reported allowed
                Instant switched = Instant.now();
                TrafficE2ETest.connectTimes(webHost, NET + "2", 5432, "tcp", 1);
                TrafficE2ETest.connectTimes(ext, NET + "1", 80, "tcp", 1);
                await(Duration.ofSeconds(30), "the same flows reported allowed", () -> {
                    List<JsonNode> flows = explorer.all(switched.minusSeconds(1), Instant.now().plus(Duration.ofHours(1)));
                    return has(flows, NET + "1", NET + "2", 5432, "allowed") && has(flows, NET + "9", NET + "1", 80, "allowed");
                });
                c.open("/console/traffic?range=1h&decision=allowed");
                c.waitFor(By.id("flows"));
                assertThat(c.text(By.id("flows"))).contains("tcp/5432").contains("tcp/80");
                assertThat(api.get("/orgs/1/workloads").body().findValuesAsText("enforcement_mode")).containsOnly("full");
                at[3] = System.nanoTime();
                String phases = String.format("setup to flows back potentially blocked %.1f s, Map/Explorer/generator/"
                                + "provision to rules applied %.1f s, readiness and switch to full applied %.1f s, the same"
                                + " traffic back allowed %.1f s", (at[0] - t0) / 1e9, (at[1] - at[0]) / 1e9,
                        (at[2] - at[1]) / 1e9, (at[3] - at[2]) / 1e9);
                System.out.println("console journey: " + phases);
                Timings.record("console-journey", phases);
            }
        }
    }

    static boolean has(List<JsonNode> flows, String src, String dst, int port, String decision) {
        return flows.stream().anyMatch(f -> f.at("/src/ip").asText().equals(src) && f.at("/dst/ip").asText().equals(dst)
                && f.at("/service/port").asInt() == port && f.path("policy_decision").asText().equals(decision));
    }

    static String label(Api api, String key, String value) {
        Api.Resp r = api.post("/orgs/1/labels", Map.of("key", key, "value", value));
        check(r, 201);
        return r.body().get("href").asText();
    }
}
