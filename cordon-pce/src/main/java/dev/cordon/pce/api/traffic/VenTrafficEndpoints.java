package dev.cordon.pce.api.traffic;

import static io.javalin.apibuilder.ApiBuilder.post;

import dev.cordon.pce.api.limits.RequestLimits;
import dev.cordon.pce.auth.throttle.AuthThrottle;
import dev.cordon.pce.auth.throttle.Throttles;
import dev.cordon.pce.core.ApiException;
import dev.cordon.pce.core.Json;
import dev.cordon.pce.traffic.ingest.TrafficIngest;
import dev.cordon.pce.traffic.ingest.TrafficInputs;
import dev.cordon.protocol.flows.FlowBatch;
import dev.cordon.protocol.flows.FlowBatchAck;
import dev.cordon.pce.ven.Agent;
import dev.cordon.pce.ven.Vens;
import dev.cordon.policy.validate.ValidationError;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.apibuilder.EndpointGroup;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * {@code POST /api/v2/ven/traffic}: a VEN's flow batch ({@link FlowBatch}, JSON, optionally
 * {@code Content-Encoding: gzip}) under its agent token, throttled like every VEN credential; answered
 * {@code 200 {"acknowledged_seq", "duplicate", "flows_stored"}} ({@link FlowBatchAck}).
 */
public final class VenTrafficEndpoints implements EndpointGroup {
    /** A gzip'd batch may inflate to at most this (100,000 summaries are ~40 MiB of JSON). */
    static final int MAX_INFLATED = 64 << 20;

    private final TrafficIngest ingest;
    private final Vens vens;
    private final Throttles throttles;

    public VenTrafficEndpoints(TrafficIngest ingest, Vens vens, Throttles throttles) {
        this.ingest = ingest;
        this.vens = vens;
        this.throttles = throttles;
    }

    @Override
    public void addEndpoints() {
        post("/api/v2/ven/traffic", ctx -> {
            Agent agent = agent(ctx);
            TrafficInputs.Checked batch = TrafficInputs.checked(parse(inflated(ctx)));
            FlowBatchAck ack = ingest.ingest(agent, batch);
            ctx.status(200).contentType("application/json").result(Json.write(ack));
        });
    }

    /**
     * The batch as a tree, parsed straight from the bytes. Unlike other bodies ({@code Json.parseBody}) there is no
     * separate streaming pass for nesting depth and control characters first: that pass cost as much as the parse
     * itself at 50,000 summaries/s, and it guards nothing here, since {@link TrafficInputs} checks every string of a
     * batch against a strict format (addresses, fixed words, times, rule hrefs, lower-case reasons) and refuses any
     * field or nesting it does not know, and Jackson's own nesting bound (1,000) keeps a hostile body from the stack.
     */
    static JsonNode parse(byte[] json) {
        if (json.length == 0) {
            throw ApiException.invalid("missing_body", "The request needs a JSON body (traffic batch).");
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) {
                throw ApiException.invalid("missing_body", "The request needs a JSON body (traffic batch).");
            }
            return n;
        } catch (IOException e) {
            throw ApiException.invalid(List.of(dev.cordon.policy.json.PolicyJson.describe(e, "traffic batch")));
        }
    }

    /** The body's bytes, inflated when it is gzip'd (at most {@link #MAX_INFLATED}). */
    static byte[] inflated(Context ctx) {
        byte[] raw = RequestLimits.bodyBytes(ctx);
        String enc = ctx.header("Content-Encoding");
        if (enc == null || enc.isBlank() || enc.strip().equalsIgnoreCase("identity")) {
            return raw;
        }
        if (!enc.strip().equalsIgnoreCase("gzip")) {
            throw new ApiException(415, List.of(new ValidationError("unsupported_content_encoding", "Content-Encoding '"
                    + (enc.length() > 40 ? enc.substring(0, 40) : enc) + "' is not supported: send the batch as plain"
                    + " JSON or with Content-Encoding: gzip.")));
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(MAX_INFLATED, raw.length * 24L));
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; ) {
                if (out.size() + n > MAX_INFLATED) {
                    throw new ApiException(413, List.of(new ValidationError("request_too_large", "The gzip'd batch"
                            + " inflates to over " + MAX_INFLATED + " bytes: send fewer flows per batch.")));
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.invalid("invalid_gzip", "The body says Content-Encoding: gzip but is not valid gzip ("
                    + e.getMessage() + "): compress the whole JSON batch with gzip, or send it uncompressed.");
        }
    }

    private Agent agent(Context ctx) {
        return dev.cordon.pce.api.ven.VenCredentials.agent(ctx, vens, throttles);
    }
}
