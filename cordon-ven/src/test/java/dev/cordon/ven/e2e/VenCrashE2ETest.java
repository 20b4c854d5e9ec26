package dev.cordon.ven.e2e;

import static dev.cordon.ven.e2e.Fleet.await;
import static dev.cordon.ven.e2e.Fleet.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.dataplane.iptables.save.SavedTable;
import dev.cordon.dataplane.kernel.Lab;
import dev.cordon.pce.harness.Api;
import dev.cordon.policy.compile.FirewallPolicy;
import dev.cordon.ven.VenMain;
import dev.cordon.ven.state.StateDir;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A VEN killed (SIGKILL) at random instants while it applies a new policy, twenty times: after each kill every
 * table of both families is exactly as the previous policy left it or exactly as the new one does (never a mix
 * inside a table), Cordon's jumps are in place (the host was never opened), and the restarted VEN converges on the
 * new policy from its state directory and the PCE. Then SIGTERM stops it cleanly with the firewall untouched (and
 * it says goodbye to the PCE, which the kills never did), and
 * after a simulated reboot (every table and set wiped) with the PCE down, the restarted VEN puts its last good policy
 * back from the state directory alone. The VEN runs as a real child process ({@link VenMain#main}).
 */
class VenCrashE2ETest {
    static final int KILLS = 20;

    @Test
    void killingTheVenMidApplyNeverLeavesAHalfAppliedTable() throws Exception {
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
            String code = fleet.activationCode("crash", "full", List.of(role));
            Path stateDir = fleet.tmp.resolve("crash-ven");
            fleet.provision("crash baseline");

            VenProcess ven = new VenProcess(fleet.pceUrl(), code, host.ns, stateDir);
            Random random = new Random(42);
            Map<String, Integer> outcomes = new TreeMap<>();
            try {
                ven.start();
                long version = api.get("/orgs/1/sec_policy").body().get(0).get("version").asLong();
                awaitVersion(stateDir, version);
                for (int i = 1; i <= KILLS; i++) {
                    Map<String, Object> before = state(host);
                    // every change alters both a table (the override deny comes and goes) and set members (ports)
                    check(api.put(ruleHref, Map.of("ingress_services", List.of(Map.of("proto", 6, "port", 1000 + i),
                            Map.of("proto", 17, "port", 2000 + i)))), 204);
                    check(api.put(denyHref, Map.of("enabled", i % 2 == 0)), 204);
                    long v = fleet.provision("crash " + i);
                    // kill while a restore command of the apply runs (then a random instant inside the apply)
                    boolean inApply = ven.awaitRestoreChild(Duration.ofSeconds(5));
                    Thread.sleep(random.nextInt(inApply ? 40 : 300));
                    ven.kill();
                    Thread.sleep(300); // let an orphaned iptables-restore finish or fail on its cut input
                    Map<String, Object> mid = state(host);
                    ven.start();
                    awaitVersion(stateDir, v);
                    Map<String, Object> after = state(host);
                    String outcome = classify(before, mid, after);
                    outcomes.merge(outcome, 1, Integer::sum);
                    assertThat(outcome).as("kill %d: tables after the kill must each be the old or the new one", i)
                            .isNotEqualTo("half");
                    assertThat(((SavedTable) mid.get("IPv4 filter")).rules("INPUT")).as("kill %d: Cordon's jump in INPUT", i)
                            .anyMatch(r -> r.contains("-j CORDON-INPUT"));
                    assertThat(after).as("kill %d: converged state differs from before; CORDON-INPUT was %s", i,
                            ((SavedTable) before.get("IPv4 filter")).rules("CORDON-INPUT")).isNotEqualTo(before);
                    assertThat(after.get("IPv4 filter")).as("kill %d: the table changed too", i)
                            .isNotEqualTo(before.get("IPv4 filter"));
                }
                // SIGTERM: the VEN stops cleanly, says goodbye first (the kills said none), and the firewall stays
                Map<String, Object> enforced = state(host);
                assertThat(ven.terminate(Duration.ofSeconds(15))).as("the VEN exits on SIGTERM").isTrue();
                assertThat(state(host)).isEqualTo(enforced);
                String venHref = StateDir.open(stateDir).identity().orElseThrow().venHref();
                // the PCE may still be writing it when the VEN has its answer late (it waits 3 s at most)
                String log = ven.logTail();
                await(Duration.ofSeconds(30), "the goodbye of the SIGTERM (VEN log:\n" + log + ")",
                        () -> !OfflineIsolationE2ETest.goodbyes(fleet, venHref).isEmpty());
                assertThat(OfflineIsolationE2ETest.goodbyes(fleet, venHref)).as("one goodbye, on SIGTERM only; VEN log:\n%s",
                        log).hasSize(1);

                // a reboot with the PCE down: the VEN puts its last good policy back from the state directory
                fleet.pce.server.stop();
                for (String tool : List.of("iptables", "ip6tables")) {
                    for (String table : List.of("filter", "raw", "mangle", "nat")) {
                        host.run(tool, "-w", "-t", table, "-F");
                        host.run(tool, "-w", "-t", table, "-X");
                    }
                }
                host.run("ipset", "destroy");
                assertThat(state(host)).isNotEqualTo(enforced);
                ven.start();
                try {
                    await(Duration.ofSeconds(30), "the last good policy back in force without the PCE",
                            () -> state(host).equals(enforced));
                } catch (AssertionError e) {
                    Map<String, Object> now = state(host);
                    StringBuilder diff = new StringBuilder();
                    for (String k : enforced.keySet()) {
                        if (!enforced.get(k).equals(now.get(k))) diff.append(k).append(": was ").append(enforced.get(k))
                                .append("\n  now ").append(now.get(k)).append('\n');
                    }
                    throw new AssertionError(e.getMessage() + "\n" + diff + "VEN log:\n" + ven.logTail(), e);
                }
            } finally {
                ven.killWithChildren();
            }
            System.out.println("VEN crash test: " + KILLS + " kills mid-apply, state right after each kill: "
                    + outcomes);
            Timings.record("crash", KILLS + " kills, outcomes " + outcomes + " (never half)");
        }
    }

    /**
     * old: nothing of the new policy applied yet; new: all of it; between-tables: some tables or sets new, each one
     * whole (the dataplane is atomic per table and per set); half: a table or set that is neither.
     */
    static String classify(Map<String, Object> before, Map<String, Object> mid, Map<String, Object> after) {
        boolean anyOld = false;
        boolean anyNew = false;
        for (String t : mid.keySet()) {
            Object m = mid.get(t);
            boolean isOld = m.equals(before.get(t));
            boolean isNew = m.equals(after.get(t));
            if (!isOld && !isNew) return "half";
            if (isOld && !isNew) anyOld = true;
            if (isNew && !isOld) anyNew = true;
        }
        for (String t : after.keySet()) {
            // a table or set the new policy has and the killed VEN had not created yet is "old" (absent)
            if (!mid.containsKey(t) && before.containsKey(t)) return "half";
        }
        return anyOld && anyNew ? "between-tables" : anyNew ? "new" : "old";
    }

    /**
     * The firewall as comparable values: every table of both families ({@link SavedTable}, counters dropped) and
     * every Cordon ipset with its sorted members (temporaries of a create-fill-swap in progress left out).
     */
    static Map<String, Object> state(Lab.Host host) {
        Map<String, Object> out = new LinkedHashMap<>();
        SavedTable.parseAll(host.run("iptables-save").stdout()).forEach((t, s) -> out.put("IPv4 " + t, s));
        SavedTable.parseAll(host.run("ip6tables-save").stdout()).forEach((t, s) -> out.put("IPv6 " + t, s));
        Map<String, List<String>> sets = new TreeMap<>();
        for (String line : host.run("ipset", "save").stdout().split("\n")) {
            String[] w = line.split(" ", 3);
            if (w.length < 2 || !w[1].startsWith("cordon") || w[1].endsWith("-t")) continue;
            if (w[0].equals("create")) sets.computeIfAbsent(w[1], k -> new ArrayList<>());
            if (w[0].equals("add") && w.length == 3) sets.computeIfAbsent(w[1], k -> new ArrayList<>()).add(w[2]);
        }
        sets.forEach((name, members) -> {
            members.sort(null);
            out.put("ipset " + name, members);
        });
        return out;
    }

    static void awaitVersion(Path stateDir, long version) {
        await(Duration.ofSeconds(30), "the VEN to apply version " + version, () -> {
            try {
                Optional<FirewallPolicy> p = StateDir.open(stateDir).lastGoodPolicy();
                return p.isPresent() && p.get().version() >= version;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /** The VEN as a child JVM, as an operator would run it. */
    static final class VenProcess {
        final List<String> argv;
        Process process;

        VenProcess(String pce, String code, String netns, Path stateDir) {
            this(pce, code, netns, stateDir, "iptables");
        }

        VenProcess(String pce, String code, String netns, Path stateDir, String dataplane) {
            this(pce, code, netns, stateDir, dataplane, "crash", List.of());
        }

        /** A VEN reporting {@code hostname}, with further {@code cordon ven} options ({@code extra}). */
        VenProcess(String pce, String code, String netns, Path stateDir, String dataplane, String hostname,
                   List<String> extra) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> a = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), VenMain.class.getName(), "--pce", pce, "--activation-code",
                    code, "--netns", netns, "--hostname", hostname, "--state-dir", stateDir.toString(),
                    "--poll-wait-seconds", "30", "--dataplane", dataplane));
            a.addAll(extra);
            argv = List.copyOf(a);
        }

        File log;

        String logTail() {
            try {
                List<String> lines = java.nio.file.Files.readAllLines(log.toPath());
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        void start() throws IOException {
            log = File.createTempFile("cordon-ven-crash", ".log");
            log.deleteOnExit();
            process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log).start();
        }

        /** Sends SIGTERM and waits for the JVM to exit; true when it did in time. */
        boolean terminate(Duration max) throws InterruptedException {
            process.destroy();
            boolean exited = process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (exited) process = null;
            return exited;
        }

        /** Waits until the VEN runs an {@code ipset restore} or {@code ip(6)tables-restore}; false on timeout. */
        boolean awaitRestoreChild(Duration max) throws InterruptedException {
            long end = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < end) {
                if (process != null && process.descendants().anyMatch(VenProcess::isRestore)) return true;
                Thread.sleep(1);
            }
            return false;
        }

        static boolean isRestore(ProcessHandle h) {
            String[] args = h.info().arguments().orElse(new String[0]);
            for (String a : args) if (a.endsWith("-restore") || a.equals("restore")) return true;
            // the nftables backend's one batch: `ip netns exec NS nft -f -` (the same process once ip has exec'd)
            if (List.of(args).contains("-f") && (List.of(args).contains("nft")
                    || h.info().command().map(c -> c.endsWith("/nft")).orElse(false))) return true;
            return h.info().command().map(c -> c.endsWith("-restore")).orElse(false);
        }

        void killWithChildren() throws InterruptedException {
            if (process != null) process.descendants().forEach(ProcessHandle::destroyForcibly);
            kill();
        }

        /** SIGKILL to the VEN's JVM only, as a crash would: a running iptables-restore child finishes on its own. */
        void kill() throws InterruptedException {
            if (process == null) return;
            process.destroyForcibly();
            process.waitFor();
            process = null;
        }
    }
}
