package dev.cordon.pce.traffic.ingest;

/**
 * Epoch milliseconds of the one RFC 3339 form VENs write, {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} (UTC, as
 * {@link java.time.Instant#toString}), without {@link java.time.Instant#parse}'s formatter (a few microseconds per
 * summary, two per summary). Returns {@link Long#MIN_VALUE} for any other spelling, which the caller then parses the
 * general way, so this is only ever a shortcut, never a narrower check.
 */
final class Rfc3339 {
    private Rfc3339() {}

    static long millis(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59
                || second > 59) {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9) return Long.MIN_VALUE;
            int frac = digits(s, 20, n - 21);
            if (frac < 0) return Long.MIN_VALUE;
            for (int k = n - 21; k < 3; k++) frac *= 10;
            for (int k = n - 21; k > 3; k--) frac /= 10;
            millis = frac;
        } else if (n != 20) {
            return Long.MIN_VALUE;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int daysIn(int year, int month) {
        return java.time.YearMonth.of(year, month).lengthOfMonth();
    }

    /** The number written in {@code len} decimal digits at {@code from}, or -1 (a negative fails every range check). */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1_000_000_000;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
