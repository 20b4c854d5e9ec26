package dev.cordon.pce.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of named groups of processes and of the whole machine, read from {@code /proc}, so a phase of the bench
 * can say who used the two cores while it ran ({@code utime + stime} of each process, in clock ticks of 1/100 s, the
 * Linux default). A process that ended or cannot be read counts 0.
 */
record CpuUse(long at, Map<String, Long> ticks, long machineBusy) {
    private static final double TICKS_PER_SECOND = 100.0;

    /** A snapshot now of each group (name → pids) and of the machine's busy time. */
    static CpuUse now(Map<String, List<Long>> groups) {
        Map<String, Long> t = new LinkedHashMap<>();
        groups.forEach((name, pids) -> t.put(name, pids.stream().mapToLong(CpuUse::processTicks).sum()));
        return new CpuUse(System.nanoTime(), t, machineBusyTicks());
    }

    /** Seconds of CPU each group used between {@code before} and this snapshot. */
    Map<String, Double> secondsSince(CpuUse before) {
        Map<String, Double> s = new LinkedHashMap<>();
        ticks.forEach((name, t) -> s.put(name, Math.round((t - before.ticks.getOrDefault(name, 0L)) / TICKS_PER_SECOND * 100) / 100.0));
        return s;
    }

    /** How many cores the whole machine kept busy on average between {@code before} and this snapshot. */
    double busyCoresSince(CpuUse before) {
        double seconds = (at - before.at) / 1e9;
        return seconds <= 0 ? 0 : Math.round((machineBusy - before.machineBusy) / TICKS_PER_SECOND / seconds * 100) / 100.0;
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name, in parentheses, may hold spaces: count fields after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) total += Long.parseLong(f[i]); // user .. steal
            return total - Long.parseLong(f[4]) - Long.parseLong(f[5]); // minus idle and iowait
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
