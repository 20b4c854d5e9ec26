package dev.cordon.pce.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cordon.pce.auth.Principal;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.store.Filter;
import dev.cordon.pce.store.Row;
import dev.cordon.pce.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Illumio's asynchronous collection reads: a collection GET with {@code Prefer: respond-async} becomes a job
 * ({@code /orgs/{org}/jobs/{uuid}}) whose result is a datafile ({@code /orgs/{org}/datafiles/{uuid}}) holding the
 * collection exactly as the synchronous GET would have answered it, read with the requester's role and scopes.
 *
 * <p>Cordon computes the collection while answering the 202, so a job is {@code done} from the start; clients that
 * poll (the SDK waits {@code Retry-After}, then polls) see Illumio's states and shapes. Jobs and datafiles are
 * stored (every PCE node on a shared database can answer the poll), visible to their requester only (another caller
 * gets 404, as for an href that does not exist), kept for {@link #RETENTION}, at most {@link #MAX_PER_REQUESTER} per
 * requester (the oldest go first). A datafile is stored in parts, as one stored body is bounded.
 */
public final class AsyncJobs {
    static final String JOB = "job";
    static final String PART = "datafile_part";
    public static final Duration RETENTION = Duration.ofHours(24);
    public static final int MAX_PER_REQUESTER = 50;
    /** Characters per stored part: well under the database's bound on one stored body. */
    static final int PART_CHARS = 256 * 1024;

    private final Store store;
    private final Clock clock;

    public AsyncJobs(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Stores a finished job for {@code collection} (the JSON array as the GET answered it); returns its href. */
    public String completed(int org, String description, String collection, Principal by) {
        String id = UUID.randomUUID().toString();
        String job = "/orgs/" + org + "/jobs/" + id;
        String datafile = "/orgs/" + org + "/datafiles/" + id;
        store.writeVoid(() -> {
            expire(org, by);
            String now = Json.now(clock);
            ObjectNode j = Json.object().put("href", job).put("job_type", ":illumio/async_requests")
                    .put("description", description).put("status", "done").put("requested_at", now)
                    .put("terminated_at", now);
            j.set("requested_by", by.ref());
            j.set("result", Json.ref(datafile));
            // name = the requester, so their jobs are found and counted without reading every body
            store.objects().put(org, JOB, job, j.deepCopy().put("name", by.href()), null);
            int parts = Math.max(1, (collection.length() + PART_CHARS - 1) / PART_CHARS);
            for (int i = 0; i < parts; i++) {
                String text = collection.substring(i * PART_CHARS, Math.min(collection.length(), (i + 1) * PART_CHARS));
                store.objects().put(org, PART, partHref(datafile, i), Json.object().put("name", datafile).put("text", text), null);
            }
        });
        return job;
    }

    /** The job, as Illumio shows it; 404 when it does not exist or belongs to another caller. */
    public ObjectNode job(int org, String href, Principal by) {
        ObjectNode j = store.objects().get(org, JOB, href).map(b -> (ObjectNode) Json.parse(b))
                .filter(n -> by.href().equals(n.path("requested_by").path("href").asText()))
                .orElseThrow(() -> ApiException.notFound("No job " + href + " of yours: jobs are kept for "
                        + RETENTION.toHours() + " hours and shown to the caller who started them."));
        j.remove("name");
        return j;
    }

    /** The caller's jobs, newest first. */
    public List<JsonNode> jobs(int org, Principal by) {
        List<JsonNode> out = new ArrayList<>();
        for (Row r : mine(org, by)) {
            ObjectNode n = (ObjectNode) Json.parse(r.body());
            n.remove("name");
            out.add(n);
        }
        out.sort(Comparator.comparing((JsonNode n) -> n.path("requested_at").asText()).reversed());
        return out;
    }

    public void delete(int org, String href, Principal by) {
        ObjectNode j = job(org, href, by);
        store.writeVoid(() -> remove(org, j));
    }

    /** The collection a finished job holds: the text its GET would have answered. */
    public String datafile(int org, String href, Principal by) {
        String job = href.replace("/datafiles/", "/jobs/");
        job(org, job, by); // 404 unless the caller's
        StringBuilder text = new StringBuilder();
        for (Row r : store.objects().list(org, PART, new Filter(href, null, null, null, null, null), Integer.MAX_VALUE).rows()) {
            if (r.href().startsWith(href + "/part/")) text.append(Json.parse(r.body()).path("text").asText());
        }
        if (text.isEmpty()) throw ApiException.notFound("No datafile " + href + ".");
        return text.toString();
    }

    private List<Row> mine(int org, Principal by) {
        return store.objects().list(org, JOB, new Filter(by.href(), null, null, null, null, null), Integer.MAX_VALUE).rows()
                .stream().filter(r -> by.href().equals(Json.parse(r.body()).path("name").asText())).toList();
    }

    /** Drops the org's jobs past retention and the requester's oldest beyond the bound (room for one more). */
    private void expire(int org, Principal by) {
        Instant cutoff = clock.instant().minus(RETENTION);
        String cut = Json.format(cutoff);
        for (Row r : store.objects().all(org, JOB)) {
            ObjectNode j = (ObjectNode) Json.parse(r.body());
            if (j.path("requested_at").asText().compareTo(cut) < 0) remove(org, j);
        }
        List<ObjectNode> own = new ArrayList<>();
        for (Row r : mine(org, by)) own.add((ObjectNode) Json.parse(r.body()));
        own.sort(Comparator.comparing((ObjectNode n) -> n.path("requested_at").asText()));
        for (int i = 0; i <= own.size() - MAX_PER_REQUESTER; i++) remove(org, own.get(i));
    }

    private void remove(int org, ObjectNode job) {
        String href = job.path("href").asText();
        String datafile = job.path("result").path("href").asText();
        store.objects().delete(org, JOB, href);
        for (Row r : store.objects().list(org, PART, new Filter(datafile, null, null, null, null, null), Integer.MAX_VALUE).rows()) {
            store.objects().delete(org, PART, r.href());
        }
    }

    static String partHref(String datafile, int i) {
        return datafile + "/part/" + String.format("%06d", i);
    }
}
