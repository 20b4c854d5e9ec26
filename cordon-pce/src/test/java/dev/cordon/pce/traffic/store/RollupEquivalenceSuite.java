package dev.cordon.pce.traffic.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cordon.pce.store.Database;
import dev.cordon.pce.traffic.query.ExplorerQuery;
import dev.cordon.pce.traffic.query.ExplorerQuery.Filter;
import dev.cordon.pce.traffic.query.ExplorerQuery.ServiceFilter;
import dev.cordon.pce.traffic.query.FlowSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The roll-up path answers exactly what the raw path answers: random flows (ends, labels, IP lists, services,
 * decisions, times spanning hours and a day boundary) stored in several groups with roll-up steps between them and
 * rows left unrolled after the last, then random Explorer queries (windows hour-aligned or not, every filter kind,
 * snapshot bounds below the newest step) compared row for row between {@code Cover.NONE} and the steps' cover;
 * again after the size cap and the day retention deleted rows (and steps). Each engine in its subclass.
 */
abstract class RollupEquivalenceSuite {
    protected abstract String jdbcUrl();

    private static final long HOUR = TrafficRollups.HOUR_MS;
    // two days before an arbitrary midnight, so windows and flows cross a day boundary
    private static final long T0 = 1_790_000_000_000L / 86_400_000L * 86_400_000L - 5 * HOUR;
    private static final String[] LABELS = {",", ",/orgs/1/labels/1,", ",/orgs/1/labels/2,", ",/orgs/1/labels/1,/orgs/1/labels/3,",
            ",/orgs/1/labels/2,/orgs/1/labels/3,"};
    private static final String[] LISTS = {",", ",/orgs/1/sec_policy/active/ip_lists/1,",
            ",/orgs/1/sec_policy/active/ip_lists/1,/orgs/1/sec_policy/active/ip_lists/2,"};
    private static final String[] IPS = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "203.0.113.9", "2001:db8::1"};
    private static final String[] WORKLOADS = {null, "/orgs/1/workloads/a", "/orgs/1/workloads/b"};

    @Test
    void theRollupAnswerIsTheRawAnswer() throws Exception {
        Path dir = Files.createTempDirectory("cordon-rollup-test");
        try (Database db = Database.open(dir, jdbcUrl())) {
            TrafficTable table = new TrafficTable(db);
            TrafficRollups rollups = new TrafficRollups(table);
            Random r = new Random(17);
            for (int group = 0; group < 6; group++) {
                table.storeRows(randomRows(r, 200 + r.nextInt(200)));
                if (group < 4) assertThat(rollups.rollOnce(0)).isGreaterThan(0);
            }
            int rolled = compare(db, table, rollups, r, 60);
            assertThat(rolled).as("queries that read roll-ups").isGreaterThan(15);

            // the size cap cuts through a step (whose roll-ups go: its remaining rows are read raw), then a day goes
            long max = table.maxId();
            assertThat(table.deleteBeyond(max - 350)).isGreaterThan(0);
            assertThat(table.deleteBeforeDay(StoredFlow.dayOf(T0 + 6 * HOUR))).isGreaterThan(0);
            rollups.rollOnce(0);
            assertThat(compare(db, table, rollups, r, 40)).isGreaterThan(8);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs {@code n} random queries both ways; returns how many read roll-ups. */
    private static int compare(Database db, TrafficTable table, TrafficRollups rollups, Random r, int n) {
        int rolled = 0;
        for (int i = 0; i < n; i++) {
            ExplorerQuery q = randomQuery(r);
            long maxId = r.nextInt(4) == 0 ? Math.max(0, table.maxId() - r.nextInt(800)) : table.maxId();
            FlowSql raw = FlowSql.of(1, maxId, q, null, TrafficRollups.Cover.NONE);
            FlowSql up = FlowSql.of(1, maxId, q, null, rollups.cover(maxId));
            if (up.rolledUp()) rolled++;
            assertThat(rows(db, up.select(), up.binds())).as("query %d: %s", i, q)
                    .containsExactlyInAnyOrderElementsOf(rows(db, raw.select(), raw.binds()));
            assertThat(rows(db, up.count(), up.binds())).isEqualTo(rows(db, raw.count(), raw.binds()));
        }
        return rolled;
    }

    private static List<StoredFlow> randomRows(Random r, int n) {
        List<StoredFlow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long last = T0 + (long) (r.nextDouble() * 10 * HOUR);
            long first = last - (r.nextInt(3) == 0 ? (long) (r.nextDouble() * 2 * HOUR) : r.nextInt(60_000));
            int proto = new int[] {6, 17, 1}[r.nextInt(3)];
            Integer port = proto == 1 ? null : new int[] {22, 80, 443, 5432}[r.nextInt(4)];
            String decision = new String[] {"allowed", "blocked", "potentially_blocked", "unknown"}[r.nextInt(4)];
            int org = r.nextInt(10) == 0 ? 2 : 1;
            rows.add(new StoredFlow(org, StoredFlow.dayOf(last), "/orgs/1/agents/" + r.nextInt(3), (long) i,
                    r.nextBoolean() ? "inbound" : "outbound", end(r), end(r), proto, port, proto == 1 ? 8 : null,
                    proto == 1 ? 0 : null, decision, decision.equals("unknown") ? "untracked" : null,
                    decision.equals("unknown") || r.nextBoolean() ? null : "/orgs/1/sec_policy/draft/rule_sets/1/sec_rules/" + r.nextInt(3),
                    (long) (1 + r.nextInt(2)), 1 + r.nextInt(9), first, last, r.nextInt(100), r.nextInt(100),
                    r.nextInt(100_000), r.nextInt(100_000), new String[] {"closed", "active", null}[r.nextInt(3)]));
        }
        return rows;
    }

    private static FlowEnd end(Random r) {
        String wl = WORKLOADS[r.nextInt(WORKLOADS.length)];
        return new FlowEnd(IPS[r.nextInt(IPS.length)], wl, wl != null && r.nextBoolean(),
                wl == null ? "," : LABELS[r.nextInt(LABELS.length)], LISTS[r.nextInt(LISTS.length)], null,
                wl == null ? null : (long) (1 + r.nextInt(3)));
    }

    private static ExplorerQuery randomQuery(Random r) {
        long start = T0 - HOUR + (r.nextBoolean() ? r.nextInt(6) * HOUR : (long) (r.nextDouble() * 6 * HOUR));
        long end = start + (r.nextBoolean() ? (1 + r.nextInt(10)) * HOUR - 1 : (long) (r.nextDouble() * 10 * HOUR));
        List<List<Filter>> srcInc = r.nextInt(3) == 0 ? List.of(List.of(filter(r))) : List.of();
        List<List<Filter>> dstInc = r.nextInt(2) == 0 ? List.of(List.of(filter(r)), List.of(filter(r), filter(r))) : List.of();
        List<Filter> srcExc = r.nextInt(4) == 0 ? List.of(filter(r)) : List.of();
        List<Filter> dstExc = r.nextInt(4) == 0 ? List.of(filter(r)) : List.of();
        List<ServiceFilter> svc = r.nextInt(3) == 0 ? List.of(new ServiceFilter(6, 80, 443, null, null)) : List.of();
        List<ServiceFilter> svcExc = r.nextInt(5) == 0 ? List.of(new ServiceFilter(1, null, null, 8, null)) : List.of();
        List<String> decisions = r.nextInt(3) == 0 ? List.of("blocked", "potentially_blocked") : List.of();
        return new ExplorerQuery(null, start, end, srcInc, srcExc, dstInc, dstExc, svc, svcExc, decisions,
                Integer.MAX_VALUE, r.nextBoolean(), r.nextBoolean(), false);
    }

    private static Filter filter(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> new Filter(Filter.Kind.LABEL, "/orgs/1/labels/1", List.of("/orgs/1/labels/1"));
            case 1 -> new Filter(Filter.Kind.LABEL_GROUP, "/orgs/1/label_groups/1", List.of("/orgs/1/labels/2", "/orgs/1/labels/3"));
            case 2 -> new Filter(Filter.Kind.WORKLOAD, "/orgs/1/workloads/a", List.of());
            case 3 -> new Filter(Filter.Kind.IP_LIST, "/orgs/1/sec_policy/active/ip_lists/2", List.of());
            case 4 -> new Filter(Filter.Kind.IP_ADDRESS, IPS[r.nextInt(IPS.length)], List.of());
            default -> new Filter(Filter.Kind.AMS, "ams", List.of());
        };
    }

    private static List<String> rows(Database db, String sql, List<Object> binds) {
        return db.read(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < binds.size(); i++) {
                Object v = binds.get(i);
                if (v instanceof Integer x) q.bind(i, x);
                else if (v instanceof Long x) q.bind(i, x);
                else q.bind(i, (String) v);
            }
            return q.map((ResultSet rs, org.jdbi.v3.core.statement.StatementContext c) -> {
                ResultSetMetaData m = rs.getMetaData();
                StringBuilder b = new StringBuilder();
                for (int k = 1; k <= m.getColumnCount(); k++) b.append(m.getColumnLabel(k)).append('=').append(rs.getString(k)).append(' ');
                return b.toString();
            }).list();
        });
    }
}
