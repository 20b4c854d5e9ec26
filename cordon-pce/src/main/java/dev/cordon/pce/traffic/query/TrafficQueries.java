package dev.cordon.pce.traffic.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.policy.PolicyEngines;
import dev.cordon.pce.store.Database;
import dev.cordon.pce.traffic.store.TrafficTable;
import dev.cordon.policy.Engine;
import dev.cordon.policy.model.IpList;
import dev.cordon.policy.model.PolicyDocument;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explorer's async traffic queries: create (status {@code queued}), run on a small pool ({@code working} →
 * {@code completed} with {@code matches_count}/{@code flows_count}, or {@code failed}), list, read, cancel
 * ({@code cancel_requested}, then {@code cancelled}), delete, and download. A query fixes at creation the highest
 * flow id it covers and the scopes its creator may see, so its download returns exactly the flows its counts were
 * taken over, whatever arrived since, streamed row by row (no cap but the query's own {@code max_results}).
 * Queries live in {@code traffic_queries}, so every PCE node answers them and they survive a restart.
 */
public final class TrafficQueries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrafficQueries.class);
    private final TrafficTable table;
    private final dev.cordon.pce.traffic.store.TrafficRollups rollups;
    private final Database db;
    private final PolicyEngines policy;
    private final Clock clock;
    private final ExecutorService runner = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "cordon-traffic-query");
        t.setDaemon(true);
        return t;
    });

    public TrafficQueries(TrafficTable table, Database db, PolicyEngines policy, Clock clock) {
        this.table = table;
        this.rollups = new dev.cordon.pce.traffic.store.TrafficRollups(table);
        this.db = db;
        this.policy = policy;
        this.clock = clock;
    }

    public static String base(int org) {
        return "/orgs/" + org + "/traffic_flows/async_queries";
    }

    /** Parses and records a query, starts it, and answers its status object (status queued or later). */
    public ObjectNode create(int org, Principal by, JsonNode body) {
        ExplorerQuery q = parser(org).parse(body);
        String href = base(org) + "/" + UUID.randomUUID();
        String now = Json.now(clock);
        long maxId = table.maxId();
        String scope = Json.write(scopes(by));
        db.unlocked(h -> h.createUpdate("INSERT INTO traffic_queries (href, org, status, created_at, updated_at, created_by,"
                        + " parameters, scope, max_id, draft) VALUES (:href, :org, 'queued', :now, :now, :by, :p, :scope, :max, :draft)")
                .bind("href", href).bind("org", org).bind("now", now).bind("by", by.href()).bind("p", body.toString())
                .bind("scope", scope).bind("max", maxId).bind("draft", q.draft()).execute());
        runner.execute(() -> run(org, href));
        return get(org, href);
    }

    private ExplorerQueryParser parser(int org) {
        PolicyDocument active = policy.engine(org, "active").document();
        PolicyDocument draft;
        try {
            draft = policy.engine(org, "draft").document();
        } catch (ApiException e) {
            draft = null; // an invalid draft: label groups and IP lists resolve against the active policy
        }
        return new ExplorerQueryParser(org, active, draft);
    }

    /** A rule set manager (with no broader role) sees the flows with an end in one of its scopes; others see all. */
    static List<List<String>> scopes(Principal p) {
        boolean broad = p.grants().stream().anyMatch(g -> !g.role().equals(Principal.RULESET_MANAGER));
        if (broad) return null;
        List<List<String>> out = new ArrayList<>();
        for (Principal.Grant g : p.rulesetScopes()) out.add(g.scope());
        return out;
    }

    private void run(int org, String href) {
        try {
            Row r = row(org, href).orElse(null);
            if (r == null || !r.status.equals("queued")) {
                if (r != null && r.status.equals("cancel_requested")) setStatus(href, "cancelled", null, null, null);
                return;
            }
            setStatus(href, "working", null, null, null);
            FlowSql sql = FlowSql.of(org, r.maxId, parser(org).parse(Json.parse(r.parameters)), r.scopes(),
                    rollups.cover(r.maxId));
            long matches = db.read(h -> bind(h.createQuery(sql.count()), sql.binds()).mapTo(Long.class).one());
            long max = parser(org).parse(Json.parse(r.parameters)).maxResults();
            Row now = row(org, href).orElse(null);
            if (now == null) return; // deleted while it ran
            if (now.status.equals("cancel_requested")) {
                setStatus(href, "cancelled", null, null, null);
                return;
            }
            setStatus(href, "completed", matches, Math.min(matches, max), null);
        } catch (ApiException e) {
            setStatus(href, "failed", null, null, e.errors().get(0).message());
        } catch (RuntimeException e) {
            LOG.warn("traffic query {} failed", href, e);
            setStatus(href, "failed", null, null, "The query failed in the PCE (" + e.getClass().getSimpleName()
                    + "); the server log has the details. Create it again.");
        }
    }

    private void setStatus(String href, String status, Long matches, Long flows, String error) {
        db.unlocked(h -> h.createUpdate("UPDATE traffic_queries SET status = :s, updated_at = :u,"
                        + " matches_count = COALESCE(:m, matches_count), flows_count = COALESCE(:f, flows_count),"
                        + " error = COALESCE(:e, error) WHERE href = :href")
                .bind("s", status).bind("u", Json.now(clock)).bind("m", matches).bind("f", flows).bind("e", error)
                .bind("href", href).execute());
    }

    /** One row of traffic_queries. */
    private record Row(String href, String status, String createdAt, String updatedAt, String createdBy,
                       String parameters, String scope, long maxId, Long matches, Long flows, boolean draft, String error) {
        List<List<String>> scopes() {
            JsonNode s = Json.parse(scope);
            if (s.isNull()) return null;
            List<List<String>> out = new ArrayList<>();
            for (JsonNode g : s) {
                List<String> labels = new ArrayList<>();
                g.forEach(l -> labels.add(l.asText()));
                out.add(labels);
            }
            return out;
        }
    }

    private Optional<Row> row(int org, String href) {
        return db.read(h -> h.createQuery("SELECT href, status, created_at, updated_at, created_by, parameters, scope,"
                        + " max_id, matches_count, flows_count, draft, error FROM traffic_queries WHERE org = :org AND href = :href")
                .bind("org", org).bind("href", href).map((rs, c) -> row(rs)).findOne());
    }

    private static Row row(ResultSet rs) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getLong(8), (Long) rs.getObject(9, Long.class),
                (Long) rs.getObject(10, Long.class), rs.getBoolean(11), rs.getString(12));
    }

    private ObjectNode view(Row r) {
        ObjectNode n = Json.object().put("href", r.href).put("status", r.status).put("created_at", r.createdAt)
                .put("updated_at", r.updatedAt);
        n.putObject("created_by").put("href", r.createdBy);
        n.set("query_parameters", Json.parse(r.parameters));
        if (r.matches != null) n.put("matches_count", r.matches); else n.putNull("matches_count");
        if (r.flows != null) n.put("flows_count", r.flows); else n.putNull("flows_count");
        if (r.status.equals("completed")) n.put("result", r.href + "/download");
        else if (r.status.equals("failed")) n.putObject("result").put("message", r.error);
        else n.putNull("result");
        n.put("draft_policy_decision", r.draft);
        return n;
    }

    /** The query's status object; 404 when there is none, or it is another user's and the caller is not admin. */
    public ObjectNode get(int org, String href) {
        return view(row(org, href).orElseThrow(() -> notFound(href)));
    }

    public ObjectNode get(int org, String href, Principal p) {
        Row r = row(org, href).orElseThrow(() -> notFound(href));
        if (!visible(r, p)) throw notFound(href);
        return view(r);
    }

    private static boolean visible(Row r, Principal p) {
        return p.isAdmin() || r.createdBy.equals(p.href()) || p.has(Principal.READ_ONLY);
    }

    private static ApiException notFound(String href) {
        return ApiException.notFound("No traffic query " + href + ": GET its collection lists the queries you may see.");
    }

    /** The queries the caller may see, newest first. */
    public List<JsonNode> list(int org, Principal p) {
        List<Row> rows = db.read(h -> h.createQuery("SELECT href, status, created_at, updated_at, created_by, parameters,"
                        + " scope, max_id, matches_count, flows_count, draft, error FROM traffic_queries WHERE org = :org"
                        + " ORDER BY created_at DESC").bind("org", org).map((rs, c) -> row(rs)).list());
        List<JsonNode> out = new ArrayList<>();
        for (Row r : rows) if (visible(r, p)) out.add(view(r));
        return out;
    }

    /** PUT: asks a queued or running query to stop; a finished one cannot be cancelled (406). */
    public ObjectNode cancel(int org, String href, Principal p) {
        Row r = row(org, href).orElseThrow(() -> notFound(href));
        if (!visible(r, p)) throw notFound(href);
        if (!r.status.equals("queued") && !r.status.equals("working")) {
            throw ApiException.invalid("query_not_cancellable", "Traffic query " + href + " is " + r.status
                    + "; only a queued or working query can be cancelled (DELETE removes a finished one).");
        }
        setStatus(href, "cancel_requested", null, null, null);
        return get(org, href);
    }

    /** {@code update_rules}: the download then carries draft_policy_decision (Cordon computes it at download). */
    public ObjectNode updateRules(int org, String href, Principal p) {
        Row r = row(org, href).orElseThrow(() -> notFound(href));
        if (!visible(r, p)) throw notFound(href);
        db.unlocked(h -> h.createUpdate("UPDATE traffic_queries SET draft = TRUE WHERE href = :href").bind("href", href).execute());
        return get(org, href);
    }

    public void delete(int org, String href, Principal p) {
        Row r = row(org, href).orElseThrow(() -> notFound(href));
        if (!visible(r, p) || (!p.isAdmin() && !r.createdBy.equals(p.href()))) {
            throw ApiException.forbidden("Only the query's creator or an admin may delete traffic query " + href + ".");
        }
        db.unlocked(h -> h.createUpdate("DELETE FROM traffic_queries WHERE href = :href").bind("href", href).execute());
    }

    /**
     * Streams the query's flows as a JSON array to {@code out}: only a completed query has them (406 otherwise,
     * which is checked before any byte is written). {@code draftOverride} true adds the draft decision even when
     * the query did not ask for it.
     */
    public Runnable download(int org, String href, Principal p, boolean draftOverride, OutputStream out) {
        Row r = row(org, href).orElseThrow(() -> notFound(href));
        if (!visible(r, p)) throw notFound(href);
        if (!r.status.equals("completed")) {
            throw ApiException.invalid("query_not_completed", "Traffic query " + href + " is " + r.status
                    + "; poll it until its status is completed, then download its result.");
        }
        ExplorerQuery q = parser(org).parse(Json.parse(r.parameters));
        FlowSql sql = FlowSql.of(org, r.maxId, q, r.scopes(), rollups.cover(r.maxId));
        Engine draft = r.draft || draftOverride ? policy.engine(org, "draft") : null;
        Iterable<IpList> lists = ipLists(org);
        long limit = r.flows == null ? q.maxResults() : r.flows;
        return () -> db.read(h -> {
            stream(h, sql, new FlowRecords(lists, draft), limit, out);
            return null;
        });
    }

    private Iterable<IpList> ipLists(int org) {
        Map<String, IpList> all = new LinkedHashMap<>();
        policy.engine(org, "active").document().ipListsOrEmpty().forEach(l -> all.put(l.href(), l));
        try {
            policy.engine(org, "draft").document().ipListsOrEmpty().forEach(l -> all.putIfAbsent(l.href(), l));
        } catch (ApiException e) {
            // an invalid draft: names from the active policy only
        }
        return all.values();
    }

    private static void stream(Handle h, FlowSql sql, FlowRecords records, long limit, OutputStream out) {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            // PostgreSQL streams a result only inside a transaction with a fetch size (a cursor)
            h.begin();
            try {
                if (h.getConnection().isWrapperFor(org.postgresql.PGConnection.class)) {
                    // a cursor is planned for its first 10 % of rows by default (sort-based grouping over the whole
                    // window); the download reads every row, so plan for all of them (hash aggregate, then sort)
                    h.execute("SET LOCAL cursor_tuple_fraction = 1.0");
                }
                Query q = bind(h.createQuery(sql.select()), sql.binds());
                q.setFetchSize(1000);
                g.writeStartArray();
                q.scanResultSet((supplier, ctx) -> {
                    try {
                        ResultSet rs = supplier.get();
                        long n = 0;
                        while (n < limit && rs.next()) {
                            records.write(rs, g);
                            n++;
                            if (n % 1000 == 0) g.flush();
                        }
                        return n;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                g.writeEndArray();
            } finally {
                h.rollback();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the connection's kind", e);
        }
    }

    private static Query bind(Query q, List<Object> binds) {
        for (int i = 0; i < binds.size(); i++) {
            Object v = binds.get(i);
            if (v instanceof Integer n) q.bind(i, n);
            else if (v instanceof Long n) q.bind(i, n);
            else q.bind(i, (String) v);
        }
        return q;
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
