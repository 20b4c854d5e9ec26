package dev.cordon.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cordon.policy.json.PolicyJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The REST API of one PCE as an admin client sees it: HTTP Basic with an API key ({@code user:secret}, as the PCE
 * writes the owner's to {@code <data>/owner-api-key}), HTTPS verified against {@code --ca-cert} (the PCE's
 * self-signed {@code <data>/tls/pce-cert.pem}) or the JVM's trust store, plain HTTP only to a loopback address (an
 * API key must not cross a network in clear). Every failure becomes a {@link TrafficError} naming what to fix.
 */
public final class PceConnection {
    private final URI base;
    private final String auth;
    private final HttpClient http;

    private PceConnection(URI base, String auth, HttpClient http) {
        this.base = base;
        this.auth = auth;
        this.http = http;
    }

    /**
     * A connection to the PCE at {@code url} ({@code https://host:8443}, with or without {@code /api/v2}) with the
     * API key {@code apiKey} ({@code user:secret}); {@code caCert} may be null.
     */
    public static PceConnection open(String url, String apiKey, Path caCert) {
        URI base = base(url);
        if (apiKey == null || apiKey.isBlank()) {
            throw TrafficError.badInput("missing_api_key", "No API key: give --api-key USER:SECRET, --api-key-file FILE"
                    + " (the PCE writes its owner's key to <data>/owner-api-key) or set CORDON_API_KEY.");
        }
        String key = apiKey.strip();
        if (key.indexOf(':') <= 0 || key.endsWith(":")) {
            throw TrafficError.badInput("invalid_api_key", "The API key must be USER:SECRET (auth_username:secret, one line"
                    + " as in <data>/owner-api-key), not a value without ':'.");
        }
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER);
        if (caCert != null) {
            if (!base.getScheme().equals("https")) {
                throw TrafficError.badInput("ca_cert_without_https", "--ca-cert is for an https:// PCE; " + base
                        + " is plain HTTP: drop --ca-cert or use the https:// URL.");
            }
            b.sslContext(trusting(caCert));
        }
        String auth = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        return new PceConnection(base, auth, b.build());
    }

    /** Reads the API key from {@code file}: one line {@code user:secret}. */
    public static String keyFromFile(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw TrafficError.badInput("unreadable_api_key_file", "Cannot read the API key file " + file + " ("
                    + why(e) + "): it is <data>/owner-api-key of the PCE, readable by its user or root.");
        }
    }

    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() == null ? "read error" : e.getMessage();
    }

    static URI base(String url) {
        if (url == null || url.isBlank()) {
            throw TrafficError.badInput("missing_pce", "--pce URL is required: the PCE's address, e.g. https://127.0.0.1:8443.");
        }
        String s = url.strip();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        if (s.endsWith("/api/v2")) s = s.substring(0, s.length() - "/api/v2".length());
        URI u;
        try {
            u = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw TrafficError.badInput("invalid_pce_url", "--pce '" + url + "' is not a URL: give e.g. https://127.0.0.1:8443.");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw TrafficError.badInput("invalid_pce_url", "--pce '" + url + "' is not an http(s) URL with a host: give e.g."
                    + " https://127.0.0.1:8443.");
        }
        if (scheme.equals("http") && !loopback(u.getHost())) {
            throw TrafficError.badInput("insecure_pce_url", "--pce " + url + ": plain http:// would send the API key in"
                    + " clear; it is allowed only to a loopback address (127.0.0.1, ::1, localhost). Use https://.");
        }
        return URI.create(scheme + "://" + u.getRawAuthority());
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) return true;
        if (!h.matches("[0-9.]+") && !h.contains(":")) return false; // a name: never resolved for this check
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new GeneralSecurityException("no certificate in the file");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) ks.setCertificateEntry("pce-" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw TrafficError.badInput("unreadable_ca_cert", "Cannot read --ca-cert " + pem + " (" + why(e)
                    + "): give the PCE's certificate, <data>/tls/pce-cert.pem.");
        } catch (GeneralSecurityException e) {
            throw TrafficError.badInput("invalid_ca_cert", "--ca-cert " + pem + " holds no PEM certificate ("
                    + e.getMessage() + "): give the PCE's certificate, <data>/tls/pce-cert.pem.");
        }
    }

    public URI base() {
        return base;
    }

    /** GET {@code path} (under /api/v2); the answer's JSON. */
    public JsonNode get(String path) {
        return send("GET", path, null, Map.of(), 200);
    }

    /** Sends {@code body} (any object Jackson writes, or null) and expects {@code status}; the answer's JSON or null. */
    public JsonNode send(String method, String path, Object body, Map<String, String> headers, int status) {
        String json = body == null ? null : body instanceof String s ? s : PolicyJson.write(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/v2" + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", auth).header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        headers.forEach(b::header);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw TrafficError.failed("pce_unreachable", "No answer from the PCE at " + base + " within 10 s: check --pce"
                    + " and that `cordon pce` is running and reachable.");
        } catch (HttpTimeoutException e) {
            throw TrafficError.failed("pce_timeout", "The PCE at " + base + " did not answer " + method + " " + path
                    + " within 60 s.");
        } catch (ConnectException e) {
            throw TrafficError.failed("pce_unreachable", "Cannot connect to the PCE at " + base + " (connection refused):"
                    + " check --pce and that `cordon pce` is running.");
        } catch (SSLException e) {
            throw TrafficError.failed("tls_untrusted", "The TLS connection to " + base + " failed (" + e.getMessage()
                    + "): the PCE's certificate is self-signed, so pass --ca-cert <data>/tls/pce-cert.pem.");
        } catch (IOException e) {
            String why = e.getMessage() == null ? "an I/O error" : e.getMessage();
            if (e.getCause() instanceof SSLException ssl) {
                throw TrafficError.failed("tls_untrusted", "The TLS connection to " + base + " failed (" + ssl.getMessage()
                        + "): the PCE's certificate is self-signed, so pass --ca-cert <data>/tls/pce-cert.pem.");
            }
            throw TrafficError.failed("pce_unreachable", "Talking to the PCE at " + base + " failed: " + why + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TrafficError.failed("interrupted", "Interrupted while waiting for the PCE.");
        }
        if (r.statusCode() == status) return parse(r.body(), method, path);
        throw refused(method, path, r);
    }

    private TrafficError refused(String method, String path, HttpResponse<String> r) {
        int s = r.statusCode();
        if (s == 401) {
            return TrafficError.failed("unauthorized", "The PCE refused the API key (401): check --api-key / --api-key-file"
                    + " (the owner's key is <data>/owner-api-key; a deleted key stops working at once).");
        }
        JsonNode body;
        try {
            body = PolicyJson.mapper().readTree(r.body());
        } catch (IOException | RuntimeException e) {
            body = null;
        }
        if (body != null && body.isArray() && body.size() > 0 && body.get(0).has("token")) {
            // the PCE's own error values: its token and message say what was wrong
            JsonNode first = body.get(0);
            return new TrafficError(first.path("token").asText(), first.path("message").asText(),
                    s == 406 ? TrafficError.BAD_INPUT : TrafficError.FAILED);
        }
        String text = r.body() == null ? "" : r.body().strip();
        if (text.length() > 200) text = text.substring(0, 200) + "...";
        return TrafficError.failed("pce_error", "The PCE answered " + s + " to " + method + " " + path
                + (text.isEmpty() ? "" : ": " + text) + ".");
    }

    private static JsonNode parse(String body, String method, String path) {
        if (body == null || body.isBlank()) return null;
        try {
            return PolicyJson.mapper().readTree(body);
        } catch (IOException e) {
            throw TrafficError.failed("pce_error", "The PCE's answer to " + method + " " + path + " is not JSON.");
        }
    }
}
