package dev.cordon.pce.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which timer entry applies to a workload: the most specific one (scope labels, then VEN type), else the default. */
class TimersTest {
    static final String PROD = "/orgs/1/labels/1";
    static final String DB = "/orgs/1/labels/2";

    final Timers timers = new Timers(List.of(
            new Timer(List.of(), null, 3600),
            new Timer(List.of(), "endpoint", 86400),
            new Timer(List.of(PROD), null, 600),
            new Timer(List.of(PROD, DB), "server", Timer.NEVER)),
            List.of(new Timer(List.of(), null, 900)));

    @Test
    void theDefaultAppliesWhenNoScopedEntryDoes() {
        assertThat(timers.disconnectedSeconds(Set.of(), "server")).isEqualTo(3600);
        assertThat(timers.disconnectedSeconds(Set.of(DB), "server")).isEqualTo(3600);
    }

    @Test
    void aVenTypeEntryIsMoreSpecificThanTheDefault() {
        assertThat(timers.disconnectedSeconds(Set.of(), "endpoint")).isEqualTo(86400);
    }

    @Test
    void moreScopeLabelsWinAndNeverIsMinusOne() {
        assertThat(timers.disconnectedSeconds(Set.of(PROD), "server")).isEqualTo(600);
        assertThat(timers.disconnectedSeconds(Set.of(PROD, DB), "server")).isEqualTo(Timer.NEVER);
        assertThat(timers.disconnectedSeconds(Set.of(PROD, DB), "endpoint")).as("that entry is for servers").isEqualTo(600);
        assertThat(timers.goodbyeSeconds(Set.of(PROD, DB), "server")).isEqualTo(900);
    }
}
