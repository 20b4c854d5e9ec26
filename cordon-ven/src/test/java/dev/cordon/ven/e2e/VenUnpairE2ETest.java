package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.iptables.save.SavedTable;
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

    /** Two hosts with a Docker-like foreign ruleset, each with a running VEN in full mode (exclusive). */
    record Pair(Lab.Host saved, Lab.Host open, Map<String, SavedTable> savedBefore, Fleet.Ven savedVen, Fleet.Ven openVen) {}

    static Pair twoEnforcingHosts(Fleet fleet, String prefix, String subnet) {
        String role = fleet.api().post("/orgs/1/labels", Map.of("key", "role", "value", prefix + "unpair")).body()
                .get("href").asText();
        Lab.Host saved = fleet.lab.host(subnet + ".1");
        Lab.Host open = fleet.lab.host(subnet + ".2");
        for (Lab.Host h : List.of(saved, open)) {
            h.iptables(List.of("-N", "DOCKER-LIKE"));
            h.iptables(List.of("-A", "DOCKER-LIKE", "-p", "tcp", "--dport", "2375", "-j", "ACCEPT"));
            h.iptables(List.of("-A", "INPUT", "-j", "DOCKER-LIKE"));
            h.iptables(List.of("-t", "nat", "-A", "POSTROUTING", "-s", "172.31.0.0/16", "-j", "MASQUERADE"));
        }
        Map<String, SavedTable> before = filterAndNat(saved);
        String a = prefix + "saved";
        String b = prefix + "open";
        Fleet.Ven va = fleet.start(a, saved, a, fleet.activationCode(a, "full", List.of(role)));
        Fleet.Ven vb = fleet.start(b, open, b, fleet.activationCode(b, "full", List.of(role)));
        for (Fleet.Ven ven : List.of(va, vb)) {
            await(Duration.ofSeconds(20), ven.name + " enforcing", () -> ven.agent.lastGood().isPresent());
        }
        assertThat(saved.save()).doesNotContain("DOCKER-LIKE").doesNotContain("MASQUERADE").contains("CORDON-INPUT");
        return new Pair(saved, open, before, va, vb);
    }

    /** saved: the tables exactly as before activation; default: open; both without Cordon and without a pairing. */
    static void assertUnpaired(Fleet fleet, Pair p) {
        assertThat(filterAndNat(p.saved())).isEqualTo(p.savedBefore());
        assertThat(p.open().save()).doesNotContain("CORDON").contains(":INPUT ACCEPT").contains(":OUTPUT ACCEPT");
        for (Lab.Host h : List.of(p.saved(), p.open())) {
            assertThat(h.run("ipset", "list", "-n").stdout()).doesNotContain("cordon");
        }
        for (Fleet.Ven v : List.of(p.savedVen(), p.openVen())) {
            assertThat(StateDir.open(fleet.tmp.resolve(v.name)).identity()).as(v.name + " forgot its pairing").isEmpty();
        }
    }

    @Test
    void unpairRestoresTheSavedFirewallOrLeavesTheHostOpen() {
        try (Fleet fleet = new Fleet()) {
            Pair p = twoEnforcingHosts(fleet, "", "10.78.0");
            for (Fleet.Ven ven : List.of(p.savedVen(), p.openVen())) {
                ven.agent.stop();
                join(ven.thread);
            }
            assertThat(VenMain.run(AgentConfig.forUnpair(p.saved().ns, fleet.tmp.resolve(p.savedVen().name),
                    FirewallRestore.SAVED))).isEqualTo(VenMain.OK);
            assertThat(VenMain.run(AgentConfig.forUnpair(p.open().ns, fleet.tmp.resolve(p.openVen().name),
                    FirewallRestore.DEFAULT))).isEqualTo(VenMain.OK);
            assertUnpaired(fleet, p);
        }
    }

    /** An admin unpairs running VENs through the PCE: each restores its firewall as asked and stops by itself. */
    @Test
    void anUnpairFromThePceIsCarriedOutByTheRunningVen() {
        try (Fleet fleet = new Fleet()) {
            Pair p = twoEnforcingHosts(fleet, "pce-", "10.79.0");
            long t0 = System.nanoTime();
            assertThat(fleet.api().put("/orgs/1/vens/unpair", Map.of("vens", List.of(Map.of("href",
                    venHref(fleet, p.savedVen().name))), "firewall_restore", "saved")).status()).isEqualTo(204);
            assertThat(fleet.api().delete(venHref(fleet, p.openVen().name)).status()).isEqualTo(204);
            join(p.savedVen().thread);
            join(p.openVen().thread);
            System.out.printf("PCE unpair: both VENs restored and stopped %d ms after the requests%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertUnpaired(fleet, p);
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
