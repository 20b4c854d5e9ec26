package dev.cordon.pce.api.limits;

import dev.cordon.pce.core.ApiException;
import dev.cordon.policy.validate.ValidationError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks every request before authentication and before any handler reads its body: the body's charset (JSON is
 * UTF-8, so a Content-Type naming another or an unknown charset is 415 rather than a decoder failure deep in a
 * handler) and the declared body size (413; the policy import has its own, higher cap because documents at scale
 * are large). Header size is Jetty's ({@link Limits#maxHeaderBytes}), answered by {@link JsonErrorHandler}.
 */
public final class RequestLimits {
    private static final String BODY = "cordon.chunked-body";
    private static final Pattern IMPORT = Pattern.compile("/api/v2/orgs/[^/]+/sec_policy/draft/import/?");

    /**
     * Byte caps: a request body in general, the policy import's body, and the request line plus headers. Defaults
     * 16 MiB (a 10,000-rule rule set is ~5 MiB), 256 MiB (an org-wide document with 100,000 workloads is ~60 MiB),
     * 16 KiB (twice Jetty's default: long Basic credentials and proxies' headers fit).
     */
    public record Limits(long maxBodyBytes, long maxImportBytes, int maxHeaderBytes) {
        public static final Limits DEFAULTS = new Limits(16L << 20, 256L << 20, 16 << 10);

        public Limits {
            if (maxBodyBytes < 1024) throw new IllegalArgumentException("The body limit " + maxBodyBytes
                    + " is too small: give at least 1024 bytes (default " + (16L << 20) + ").");
            if (maxImportBytes < maxBodyBytes) throw new IllegalArgumentException("The import limit " + maxImportBytes
                    + " is below the body limit " + maxBodyBytes + ": give at least as much.");
            if (maxHeaderBytes < 1024 || maxHeaderBytes > (1 << 20)) throw new IllegalArgumentException(
                    "The header limit " + maxHeaderBytes + " is out of range: give 1024 to 1048576 bytes (default 16384).");
        }
    }

    private final Limits limits;

    public RequestLimits(Limits limits) {
        this.limits = limits;
    }

    /** Registers the check; call before any other before-handler (authentication comes after it). */
    public void register(Javalin app) {
        app.before(this::check);
    }

    private void check(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type != null) charset(type);
        long length = ctx.req().getContentLengthLong();
        long cap = IMPORT.matcher(ctx.path()).matches() ? limits.maxImportBytes() : limits.maxBodyBytes();
        if (length > cap) throw tooLarge(length + " bytes", cap);
        if (length < 0 && ctx.header("Transfer-Encoding") != null) {
            // a chunked body declares no length: read it here, at most cap bytes, and hand it to body() later
            byte[] body = readAtMost(ctx, cap);
            if (body == null) throw tooLarge("over " + cap + " bytes (chunked)", cap);
            ctx.attribute(BODY, body);
        }
    }

    private ApiException tooLarge(String size, long cap) {
        return new ApiException(413, List.of(new ValidationError("request_too_large", "The request body is "
                + size + "; this endpoint takes at most " + cap + " (the PCE's --max-"
                + (cap == limits.maxImportBytes() && cap != limits.maxBodyBytes() ? "import" : "request")
                + "-bytes option).")));
    }

    /** The body, or null when it is longer than {@code cap}. */
    private static byte[] readAtMost(Context ctx, long cap) {
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[64 << 10];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > cap) return null;
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw ApiException.invalid("body_unreadable", "The request body could not be read (" + e.getMessage()
                    + "): send it again.");
        }
    }

    /**
     * The request body as text. Always UTF-8: {@link #check} let only UTF-8 or ASCII through, however spelt, and
     * Javalin's own {@code ctx.body()} passes a quoted charset name ({@code charset="utf-8"}, legal HTTP) to Java's
     * charset lookup, which fails.
     */
    public static String body(Context ctx) {
        return new String(bodyBytes(ctx), StandardCharsets.UTF_8);
    }

    /** The request body's bytes as sent (a gzip'd VEN upload, say), chunked or not, within the cap checked above. */
    public static byte[] bodyBytes(Context ctx) {
        byte[] chunked = ctx.attribute(BODY);
        return chunked != null ? chunked : ctx.bodyAsBytes();
    }

    /** Replaces the body later handlers read (a compatibility rewrite of a request, before its handler runs). */
    public static void replaceBody(Context ctx, String body) {
        ctx.attribute(BODY, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A charset parameter, if any, must name UTF-8 (or its subset US-ASCII). */
    static void charset(String contentType) {
        for (String param : contentType.split(";")) {
            int eq = param.indexOf('=');
            if (eq < 0 || !param.substring(0, eq).strip().equalsIgnoreCase("charset")) continue;
            String name = param.substring(eq + 1).strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) name = name.substring(1, name.length() - 1);
            Charset cs = null;
            try {
                if (Charset.isSupported(name)) cs = Charset.forName(name);
            } catch (IllegalCharsetNameException e) {
                // not a charset name at all
            }
            if (cs == null || !(cs.equals(StandardCharsets.UTF_8) || cs.equals(StandardCharsets.US_ASCII))) {
                throw new ApiException(415, List.of(new ValidationError("unsupported_charset", "Content-Type names"
                        + " charset '" + printable(name) + "'" + (cs == null ? ", which is unknown" : "")
                        + ": the PCE reads JSON in UTF-8 only; send 'Content-Type: application/json' (or"
                        + " 'application/json; charset=utf-8') with a UTF-8 body.")));
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(c < 0x20 || c > 0x7e ? '?' : c);
        return b.length() > 60 ? b.substring(0, 60) + "..." : b.toString();
    }
}
