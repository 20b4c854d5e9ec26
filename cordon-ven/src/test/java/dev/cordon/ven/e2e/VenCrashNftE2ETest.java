package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.dataplane.nftables.read.NftJson;
import dev.cordon.pce.harness.Api;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link VenCrashE2ETest} with {@code --dataplane nftables}: the VEN is killed (SIGKILL) twenty times while it
 * applies a new policy, and right after each kill the whole firewall, every nftables table of every family (Cordon's
 * and iptables-nft's alike) and the iptables view of both families, is exactly the old state or exactly the new one:
 * every apply is one {@code nft -f} transaction. Cordon's base chain is never missing (the host is never opened), and
 * after a simulated reboot ({@code nft flush ruleset}) with the PCE down, the restarted VEN puts its last good policy
 * back from its state directory.
 */
class VenCrashNftE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killingTheVenMidApplyLeavesTheWholeFirewallExactlyOldOrExactlyNew() throws Exception {
        try (Fleet fleet = new Fleet()) {
            Api api = fleet.api();
            String role = api.post("/orgs/1/labels", Map.of("key", "role", "value", "crash")).body().get("href").asText();
            List<Map<String, Object>> ranges = new ArrayList<>();
            for (int i = 0; i < 600; i++) ranges.add(Map.of("from_ip", "10." + (100 + i / 250) + "." + (i % 250) + ".0/24"));
            Api.Resp ipl = api.post("/orgs/1/sec_policy/draft/ip_lists", Map.of("name", "many", "ip_ranges", ranges));
            check(ipl, 201);
            Api.Resp rs = api.post("/orgs/1/sec_policy/draft/rule_sets", Map.of("name", "crash", "scopes", List.of(List.of()),
                    "rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", role))),
                            "consumers", List.of(Map.of("ip_list", Map.of("href", ipl.body().get("href").asText()))),
                            "ingress_services", List.of(Map.of("proto", 6, "port", 1000), Map.of("proto", 17, "port", 1000)),
                            "unscoped_consumers", true)),
                    "deny_rules", List.of(Map.of("providers", List.of(Map.of("label", Map.of("href", role))),
                            "consumers", List.of(Map.of("ip_list", Map.of("href", ipl.body().get("href").asText()))),
                            "ingress_services", List.of(Map.of("proto", 6, "port", 3000)), "override", true,
                            "unscoped_consumers", true))));
            check(rs, 201);
            String ruleHref = rs.body().get("rules").get(0).get("href").asText();
            String denyHref = rs.body().get("deny_rules").get(0).get("href").asText();
            Lab.Host host = fleet.lab.host("10.77.0.1");
            // a foreign iptables rule and a foreign native table: exclusive deletes them in the same batch
            host.iptables(List.of("-A", "INPUT", "-p", "tcp", "--dport", "7000", "-j", "ACCEPT"));
            host.runWithInput("table inet distro {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
                    + "\t\ttcp dport 2222 drop\n\t}\n}\n", "nft", "-f", "-");
            String code = fleet.activationCode("crash", "full", List.of(role));
            Path stateDir = fleet.tmp.resolve("crash-ven-nft");
            fleet.provision("crash baseline");

            VenCrashE2ETest.VenProcess ven = new VenCrashE2ETest.VenProcess(fleet.pceUrl(), code, host.ns, stateDir, "nftables");
            Random random = new Random(42);
            Map<String, Integer> outcomes = new TreeMap<>();
            int kills = VenCrashE2ETest.KILLS;
            try {
                ven.start();
                long version = api.get("/orgs/1/sec_policy").body().get(0).get("version").asLong();
                VenCrashE2ETest.awaitVersion(stateDir, version);
                assertThat(state(host).keySet()).as("exclusive: only Cordon's tables").containsOnly(
                        "nft ip cordon", "nft ip6 cordon");
                for (int i = 1; i <= kills; i++) {
                    Map<String, Object> before = state(host);
                    check(api.put(ruleHref, Map.of("ingress_services", List.of(Map.of("proto", 6, "port", 1000 + i),
                            Map.of("proto", 17, "port", 2000 + i)))), 204);
                    check(api.put(denyHref, Map.of("enabled", i % 2 == 0)), 204);
                    long v = fleet.provision("crash " + i);
                    boolean inApply = ven.awaitRestoreChild(Duration.ofSeconds(5));
                    Thread.sleep(random.nextInt(inApply ? 40 : 300));
                    ven.kill();
                    Thread.sleep(300); // an orphaned nft finishes its batch, or fails on its cut input
                    Map<String, Object> mid = state(host);
                    ven.start();
                    VenCrashE2ETest.awaitVersion(stateDir, v);
                    Map<String, Object> after = state(host);
                    String outcome = VenCrashE2ETest.classify(before, mid, after);
                    outcomes.merge(outcome, 1, Integer::sum);
                    assertThat(outcome).as("kill %d: the whole firewall after the kill is the old or the new one", i)
                            .isIn("old", "new");
                    assertThat(mid).as("kill %d: Cordon's table is in place", i).containsKey("nft ip cordon");
                    assertThat(after).as("kill %d: converged state differs from before", i).isNotEqualTo(before);
                }
                Map<String, Object> enforced = state(host);
                assertThat(ven.terminate(Duration.ofSeconds(15))).as("the VEN exits on SIGTERM").isTrue();
                assertThat(state(host)).isEqualTo(enforced);

                fleet.pce.server.stop();
                host.run("nft", "flush", "ruleset");
                assertThat(state(host)).isNotEqualTo(enforced);
                ven.start();
                try {
                    await(Duration.ofSeconds(30), "the last good policy back in force without the PCE",
                            () -> state(host).equals(enforced));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nnow " + state(host).keySet() + "\nVEN log:\n" + ven.logTail(), e);
                }
            } finally {
                ven.killWithChildren();
            }
            System.out.println("VEN crash test (nftables): " + kills + " kills mid-apply, state right after each kill: "
                    + outcomes);
            Timings.record("crash-nft", kills + " kills, outcomes " + outcomes + " (never between tables)");
        }
    }

    /** Every nftables table of every family, read back canonically, and both families' iptables view. */
    static Map<String, Object> state(Lab.Host host) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            JsonNode tables = JSON.readTree(host.run("nft", "-j", "list", "tables").stdout()).path("nftables");
            for (JsonNode item : tables) {
                JsonNode t = item.get("table");
                if (t == null) continue;
                String fam = t.path("family").asText();
                String name = t.path("name").asText();
                out.put("nft " + fam + " " + name, NftJson.parse(host.run("nft", "-j", "list", "table", fam, name).stdout()));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        SavedTable.parseAll(host.run("iptables-save").stdout()).forEach((t, s) -> out.put("IPv4 " + t, s));
        SavedTable.parseAll(host.run("ip6tables-save").stdout()).forEach((t, s) -> out.put("IPv6 " + t, s));
        return out;
    }
}
