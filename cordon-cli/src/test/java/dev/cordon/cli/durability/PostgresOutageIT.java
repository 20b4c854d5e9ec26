package dev.cordon.cli.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.harness.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again under a running PCE: during the outage a write is refused at once with
 * {@code 503 database_unavailable} (no hang, no 500); once PostgreSQL is back the same PCE process writes again,
 * and nothing acknowledged before, during or after is lost.
 */
class PostgresOutageIT {

    @Test
    void thePceRidesOutAPostgresRestart() throws Exception {
        String url = Postgres.jdbcUrl();
        Path dir = Files.createTempDirectory("cordon-pg-outage-");
        boolean pgDown = false;
        try (PceProcess pce = new PceProcess(dir.resolve("data"), url)) {
            pce.start();
            long pid = pce.pid();
            Api api = new Api(pce.base(), pce.ownerKey());
            AckLedger ledger = new AckLedger();
            for (int i = 0; i < 20; i++) label(api, ledger, "before-" + i);

            Postgres.stopForOutage();
            pgDown = true;
            double slowest = 0;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                // 60 s: far above the pool's 5 s connection timeout; a hang fails here
                Api.Answer a = api.send("POST", "/orgs/1/labels",
                        "{\"key\":\"app\",\"value\":\"during-" + i + "\"}", Duration.ofSeconds(60));
                slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e9);
                assertThat(a.status()).as(a.body()).isEqualTo(503);
                assertThat(a.json().get(0).path("token").asText()).isEqualTo("database_unavailable");
                assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
            }
            Api.Answer read = api.get("/orgs/1/labels");
            assertThat(read.status()).as(read.body()).isEqualTo(503);

            Postgres.startAgain();
            pgDown = false;
            long t0 = System.nanoTime();
            int refusedAfterStart = 0;
            while (label(api, ledger, "recovery-" + refusedAfterStart) != 201) {
                refusedAfterStart++;
                assertThat(System.nanoTime() - t0).as("writes succeed again within 60 s")
                        .isLessThan(Duration.ofSeconds(60).toNanos());
                Thread.sleep(200);
            }
            double recovery = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < 20; i++) assertThat(label(api, ledger, "after-" + i)).isEqualTo(201);
            assertThat(pce.pid()).as("the same PCE process, never restarted").isEqualTo(pid);
            AckLedger.Verdict v = ledger.verify(api);
            System.out.printf("postgres outage: 503 within %.1fs during the outage; first write ok %.1fs after"
                            + " PostgreSQL was back (%d refused meanwhile); acknowledged=%d lost=%d%n", slowest,
                    recovery, refusedAfterStart, v.acknowledged(), v.lost());
            assertThat(v.problems()).isEmpty();
            assertThat(v.acknowledged()).isEqualTo(41);
        } finally {
            if (pgDown) Postgres.startAgain();
            PceProcess.deleteTree(dir);
        }
    }

    private static int label(Api api, AckLedger ledger, String value) throws Exception {
        var body = Api.JSON.createObjectNode().put("key", "app").put("value", value);
        Api.Answer a = api.post("/orgs/1/labels", body.toString());
        if (a.status() == 201) ledger.live.put(a.json().path("href").asText(), new AckLedger.Ack("label", body, 0));
        else assertThat(a.status()).as(a.body()).isEqualTo(503);
        return a.status();
    }
}
