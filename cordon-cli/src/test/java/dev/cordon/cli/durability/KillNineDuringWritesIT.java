package dev.cordon.cli.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.harness.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: nothing acknowledged is ever lost. A real {@code cordon pce} is killed with {@code kill -9} twenty
 * times during bursts of concurrent writes, provisions, imports and restores; after every restart each write it
 * answered 2xx is there with the content it acknowledged, versions run 1..N without reuse, the draft still
 * provisions and answers policy_check. On the embedded H2 file and on PostgreSQL.
 */
class KillNineDuringWritesIT {
    static final int ROUNDS = 20;

    @Test
    void h2LosesNothingAcknowledgedOverTwentyKills() throws Exception {
        rounds("h2", null);
    }

    @Test
    void postgresLosesNothingAcknowledgedOverTwentyKills() throws Exception {
        rounds("postgresql", Postgres.jdbcUrl());
    }

    private static void rounds(String store, String dbUrl) throws Exception {
        Path dir = Files.createTempDirectory("cordon-kill9-");
        try (PceProcess pce = new PceProcess(dir.resolve("data"), dbUrl)) {
            pce.start();
            Api api = new Api(pce.base(), pce.ownerKey());
            AckLedger ledger = new AckLedger();
            long writes = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                WriteBurst burst = new WriteBurst(api, ledger, store + "-r" + round, 6).start();
                burst.awaitUnderWay(40);
                pce.kill9();
                burst.stop();
                pce.start();
                AckLedger.Verdict v = ledger.verify(api, round == ROUNDS);
                writes = v.acknowledged();
                System.out.printf("kill9 %s round %2d: acknowledged=%d (this round %d) lost=%d draft_checked=%d draft_replaced=%d"
                                + " versions=1..%d (provisions=%d imports=%d restores=%d) restart=%.1fs%n", store, round,
                        v.acknowledged(), burst.acknowledged.get(), v.lost(), v.checkedStrictly(), v.superseded(), v.versions(),
                        burst.provisions.get(), burst.imports.get(), burst.restores.get(), pce.startSeconds);
                assertThat(v.problems()).as("round %d on %s", round, store).isEmpty();
                assertThat(v.lost()).isZero();
                assertThat(burst.unexpectedAnswers).as("answers other than 2xx and the expected refusals")
                        .noneMatch(s -> s.contains("→ 5"));
                draftStillWorks(api, ledger, store + "-r" + round);
                ledger.draft.clear(); // the next round's imports and restores may replace these legitimately
                ledger.replacesSettledAt = Long.MIN_VALUE;
            }
            System.out.printf("kill9 %s: %d rounds, %d writes acknowledged in all, 0 lost%n", store, ROUNDS, writes);
        } finally {
            PceProcess.deleteTree(dir);
        }
    }

    /** After a restart the draft is valid: a change provisions, and policy_check answers on draft and active. */
    private static void draftStillWorks(Api api, AckLedger ledger, String tag) throws Exception {
        Api.Answer ip = api.post("/orgs/1/sec_policy/draft/ip_lists",
                "{\"name\":\"" + tag + "-after\",\"ip_ranges\":[{\"from_ip\":\"192.0.2.0/24\"}]}");
        assertThat(ip.status()).as(ip.body()).isEqualTo(201);
        Api.Answer v = api.post("/orgs/1/sec_policy", "{\"update_description\":\"" + tag + " after restart\"}");
        assertThat(v.status()).as(v.body()).isEqualTo(201);
        var ack = Api.JSON.createObjectNode();
        ack.set("created_at", v.json().path("created_at"));
        ack.set("object_counts", v.json().path("object_counts"));
        ack.put("description", tag + " after restart");
        ledger.versions.put(v.json().path("version").asLong(), ack);
        for (String pv : new String[] {"draft", "active"}) {
            Api.Answer check = api.get("/orgs/1/sec_policy/" + pv
                    + "/policy_check?src_external_ip=192.0.2.7&dst_external_ip=198.51.100.7&port=443&protocol=6");
            assertThat(check.status()).as(check.body()).isEqualTo(200);
            assertThat(check.json().has("decision")).as(check.body()).isTrue();
        }
    }
}
