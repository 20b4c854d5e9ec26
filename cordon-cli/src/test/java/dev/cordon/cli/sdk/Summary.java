package dev.cordon.cli.sdk;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The run in a few lines: passed of total overall and per SDK file, then the names of what did not pass. */
final class Summary {
    private Summary() {}

    static String of(List<JunitCase> cases, List<String> unsupported) {
        Map<String, int[]> perFile = new TreeMap<>();
        int passed = 0;
        int supported = 0;
        int supportedPassed = 0;
        StringBuilder notPassed = new StringBuilder();
        for (JunitCase c : cases) {
            boolean ok = c.outcome() == JunitCase.Outcome.PASSED;
            int[] n = perFile.computeIfAbsent(c.file(), f -> new int[2]);
            n[1]++;
            if (ok) {
                n[0]++;
                passed++;
            } else {
                String first = c.detail().lines().findFirst().orElse("");
                notPassed.append("  ").append(c.outcome()).append(' ').append(c.file()).append("::").append(c.name())
                        .append("  ").append(first.length() > 160 ? first.substring(0, 160) + "..." : first).append('\n');
            }
            if (!unsupported.contains(c.file())) {
                supported++;
                if (ok) supportedPassed++;
            }
        }
        StringBuilder s = new StringBuilder("Illumio SDK integration suite against cordon pce: ").append(passed)
                .append(" of ").append(cases.size()).append(" passed; ").append(supportedPassed).append(" of ")
                .append(supported).append(" outside the container files\n");
        perFile.forEach((f, n) -> s.append("  ").append(f).append(": ").append(n[0]).append('/').append(n[1]).append('\n'));
        return s.append(notPassed).toString();
    }
}
