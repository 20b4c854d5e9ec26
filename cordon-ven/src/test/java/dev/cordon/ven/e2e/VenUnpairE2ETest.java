package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.iptables.SavedTable;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.ven.AgentConfig;
import dev.cordon.ven.VenMain;
import dev.cordon.ven.enforce.FirewallRestore;
import dev.cordon.ven.state.StateDir;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Unpairing locally ({@code --unpair}): {@code saved} puts back the firewall exactly as it was before activation
 * (exclusive mode had removed the other rules), {@code default} leaves the host open; both take Cordon's chains and
 * ipsets away and forget the pairing.
 */
class VenUnpairE2ETest {
    static Map<String, SavedTable> filterAndNat(Lab.Host h) {
        Map<String, SavedTable> all = SavedTable.parseAll(h.run("iptables-save").stdout());
        return Map.of("filter", all.get("filter"), "nat", all.get("nat"));
    }

    static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(t.isAlive()).as("VEN thread stopped").isFalse();
    }

    @Test
    void unpairRestoresTheSavedFirewallOrLeavesTheHostOpen() {
        try (Fleet fleet = new Fleet()) {
            String role = fleet.api().post("/orgs/1/labels", Map.of("key", "role", "value", "unpair")).body()
                    .get("href").asText();
            Lab.Host saved = fleet.lab.host("10.78.0.1");
            Lab.Host open = fleet.lab.host("10.78.0.2");
            for (Lab.Host h : List.of(saved, open)) {
                h.iptables(List.of("-N", "DOCKER-LIKE"));
                h.iptables(List.of("-A", "DOCKER-LIKE", "-p", "tcp", "--dport", "2375", "-j", "ACCEPT"));
                h.iptables(List.of("-A", "INPUT", "-j", "DOCKER-LIKE"));
                h.iptables(List.of("-t", "nat", "-A", "POSTROUTING", "-s", "172.31.0.0/16", "-j", "MASQUERADE"));
            }
            Map<String, SavedTable> before = filterAndNat(saved);
            Fleet.Ven a = fleet.start("saved", saved, "saved", fleet.activationCode("saved", "full", List.of(role)));
            Fleet.Ven b = fleet.start("open", open, "open", fleet.activationCode("open", "full", List.of(role)));
            for (Fleet.Ven ven : List.of(a, b)) {
                await(Duration.ofSeconds(20), ven.name + " enforcing", () -> ven.agent.lastGood().isPresent());
            }
            assertThat(saved.save()).doesNotContain("DOCKER-LIKE").doesNotContain("MASQUERADE").contains("CORDON-INPUT");
            for (Fleet.Ven ven : List.of(a, b)) {
                ven.agent.stop();
                join(ven.thread);
            }

            assertThat(VenMain.run(AgentConfig.forUnpair(saved.ns, fleet.tmp.resolve("saved"), FirewallRestore.SAVED)))
                    .isEqualTo(VenMain.OK);
            assertThat(filterAndNat(saved)).isEqualTo(before);
            assertThat(saved.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
            assertThat(StateDir.open(fleet.tmp.resolve("saved")).identity()).isEmpty();

            assertThat(VenMain.run(AgentConfig.forUnpair(open.ns, fleet.tmp.resolve("open"), FirewallRestore.DEFAULT)))
                    .isEqualTo(VenMain.OK);
            String s = open.save();
            assertThat(s).doesNotContain("CORDON").contains(":INPUT ACCEPT").contains(":OUTPUT ACCEPT");
            assertThat(open.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
        }
    }

    /** An admin unpairs running VENs through the PCE: each restores its firewall as asked and stops by itself. */
    @Test
    void anUnpairFromThePceIsCarriedOutByTheRunningVen() {
        try (Fleet fleet = new Fleet()) {
            String role = fleet.api().post("/orgs/1/labels", Map.of("key", "role", "value", "pce-unpair")).body()
                    .get("href").asText();
            Lab.Host saved = fleet.lab.host("10.79.0.1");
            Lab.Host open = fleet.lab.host("10.79.0.2");
            for (Lab.Host h : List.of(saved, open)) {
                h.iptables(List.of("-N", "DOCKER-LIKE"));
                h.iptables(List.of("-A", "DOCKER-LIKE", "-p", "tcp", "--dport", "2375", "-j", "ACCEPT"));
                h.iptables(List.of("-A", "INPUT", "-j", "DOCKER-LIKE"));
                h.iptables(List.of("-t", "nat", "-A", "POSTROUTING", "-s", "172.31.0.0/16", "-j", "MASQUERADE"));
            }
            Map<String, SavedTable> before = filterAndNat(saved);
            Fleet.Ven a = fleet.start("pce-saved", saved, "pce-saved", fleet.activationCode("pce-saved", "full", List.of(role)));
            Fleet.Ven b = fleet.start("pce-open", open, "pce-open", fleet.activationCode("pce-open", "full", List.of(role)));
            for (Fleet.Ven ven : List.of(a, b)) {
                await(Duration.ofSeconds(20), ven.name + " enforcing", () -> ven.agent.lastGood().isPresent());
            }
            assertThat(saved.save()).doesNotContain("DOCKER-LIKE").contains("CORDON-INPUT");

            String venA = venHref(fleet, "pce-saved");
            String venB = venHref(fleet, "pce-open");
            long t0 = System.nanoTime();
            assertThat(fleet.api().put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href", venA)),
                    "firewall_restore", "saved")).status()).isEqualTo(204);
            assertThat(fleet.api().delete(venB).status()).isEqualTo(204);
            join(a.thread);
            join(b.thread);
            System.out.printf("PCE unpair: both VENs restored and stopped %d ms after the requests%n",
                    (System.nanoTime() - t0) / 1_000_000);

            assertThat(filterAndNat(saved)).isEqualTo(before);
            assertThat(saved.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
            assertThat(StateDir.open(fleet.tmp.resolve("pce-saved")).identity()).isEmpty();
            String s = open.save();
            assertThat(s).doesNotContain("CORDON").contains(":INPUT ACCEPT");
            assertThat(open.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
            assertThat(StateDir.open(fleet.tmp.resolve("pce-open")).identity()).isEmpty();
            assertThat(fleet.api().get("/orgs/1/events?event_type=ven.unpair").body().toString())
                    .contains("\"firewall_restore\":\"saved\"").contains("\"firewall_restore\":\"default\"");
        }
    }

    static String venHref(Fleet fleet, String hostname) {
        for (com.fasterxml.jackson.databind.JsonNode v : fleet.api().get("/orgs/1/vens").body()) {
            if (hostname.equals(v.path("hostname").asText())) return v.get("href").asText();
        }
        throw new AssertionError("no VEN with hostname " + hostname);
    }
}
