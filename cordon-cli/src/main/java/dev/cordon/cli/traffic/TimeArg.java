package dev.cordon.cli.traffic;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --since}/{@code --until}: an age ({@code 90s}, {@code 15m}, {@code 1h}, {@code 7d}) or an RFC 3339 time. */
final class TimeArg {
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

    private TimeArg() {}

    static Instant parse(String option, String value, Instant now) {
        String v = value.strip();
        Matcher m = AGE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw TrafficError.badInput("invalid_time", option + " '" + value + "' is neither an age (90s, 15m, 1h, 7d)"
                    + " nor an RFC 3339 UTC time (2026-12-01T10:00:00Z).");
        }
    }
}
