package dev.cordon.ven.flows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The upload interval: the VEN's own, the PCE's faster one while it lasts, then the VEN's own again. */
class ReportScheduleTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFasterRateHoldsForItsDurationThenFallsBack() {
        ReportSchedule s = new ReportSchedule(Duration.ofSeconds(60));
        assertThat(s.interval(T0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.ask(10, 600L, T0)).as("changed").isTrue();
        assertThat(s.interval(T0.plusSeconds(599))).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.ask(10, 540L, T0.plusSeconds(60))).as("the same rate again: no change").isFalse();
        assertThat(s.interval(T0.plusSeconds(599))).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.interval(T0.plusSeconds(600))).as("its time is over").isEqualTo(Duration.ofSeconds(60));
        assertThat(s.interval(T0.plusSeconds(1))).as("and it stays over").isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anAnswerWithoutARateEndsItAndNoRequestSlowsTheVenDownOrBelowOneSecond() {
        ReportSchedule s = new ReportSchedule(Duration.ofSeconds(60));
        s.ask(10, 600L, T0);
        assertThat(s.ask(null, null, T0.plusSeconds(5))).isTrue();
        assertThat(s.interval(T0.plusSeconds(5))).isEqualTo(Duration.ofSeconds(60));
        s.ask(120, 600L, T0);
        assertThat(s.interval(T0)).as("slower than its own: not taken").isEqualTo(Duration.ofSeconds(60));
        s.ask(0, 600L, T0);
        assertThat(s.interval(T0)).isEqualTo(ReportSchedule.MIN_INTERVAL);
        s.ask(10, 0L, T0);
        assertThat(s.interval(T0)).isEqualTo(Duration.ofSeconds(60));
    }
}
