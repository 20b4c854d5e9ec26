package dev.cordon.pce.auth.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The counters stay bounded however many subjects an attacker rotates through. */
class LockoutsTest {
    @Test
    void rotatingSubjectsDoNotGrowTheCountersBeyondTheirCapacity() {
        Lockouts l = new Lockouts(new Lockouts.Limits(2, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofMinutes(15), 100));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 100_000; i++) l.failed("10.0." + (i / 256) + "." + (i % 256), t);
        assertThat(l.size()).isEqualTo(100);
        for (int i = 0; i < 3; i++) l.failed("192.0.2.1", t);
        assertThat(l.lockedFor("192.0.2.1", t)).isEqualTo(Duration.ofSeconds(1));
        assertThat(l.lockedFor("192.0.2.1", t.plusSeconds(1))).isNull();
    }

    @Test
    void anIpv6HostCountsAsItsSlash64() {
        assertThat(Sources.subject("2001:db8:1:2::1")).isEqualTo(Sources.subject("2001:db8:1:2:ffff::9"));
        assertThat(Sources.subject("2001:db8:1:3::1")).isNotEqualTo(Sources.subject("2001:db8:1:2::1"));
        assertThat(Sources.subject("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(Sources.isLoopback("127.0.0.2")).isTrue();
        assertThat(Sources.isLoopback("::1")).isTrue();
        assertThat(Sources.isLoopback("[0:0:0:0:0:0:0:1]")).isTrue();
        assertThat(Sources.isLoopback("192.0.2.7")).isFalse();
    }
}
