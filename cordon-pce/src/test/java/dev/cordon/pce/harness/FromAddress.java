package dev.cordon.pce.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request to the harness PCE from a chosen loopback source address (127.0.0.2, 127.0.0.3, ...), so tests
 * can tell sources apart: Java's HttpClient cannot choose its local address.
 */
public final class FromAddress {
    private FromAddress() {}

    /** A response: status, headers (lower-case names), parsed JSON body (null when empty). */
    public record Reply(int status, Map<String, String> headers, JsonNode body) {
        public String token() {
            return body != null && body.isArray() && body.size() > 0 ? body.get(0).path("token").asText() : null;
        }
    }

    public static Reply send(String source, int port, String method, String path, String authorization, String json) {
        return exchange(source, port, method, "/api/v2" + path, authorization, json == null ? null : "application/json", json);
    }

    /** A request to any path (not under /api/v2) with a body of the given type, e.g. a console form. */
    public static Reply sendRaw(String source, int port, String method, String path, String type, String body) {
        return sendRaw(source, port, method, path, type, body, Map.of());
    }

    /** Like {@link #sendRaw(String, int, String, String, String, String)} with extra headers. */
    public static Reply sendRaw(String source, int port, String method, String path, String type, String body,
                                Map<String, String> extra) {
        StringBuilder h = new StringBuilder();
        extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        return exchange(source, port, method, path, null, type, body, h.toString());
    }

    private static Reply exchange(String source, int port, String method, String path, String authorization,
                                  String type, String json) {
        return exchange(source, port, method, path, authorization, type, json, "");
    }

    private static Reply exchange(String source, int port, String method, String path, String authorization,
                                  String type, String json, String extraHeaders) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n");
            if (type != null) req.append("Content-Type: ").append(type).append("\r\n");
            if (authorization != null) req.append("Authorization: ").append(authorization).append("\r\n");
            req.append(extraHeaders).append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
            String rest = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = unchunk(rest);
            boolean isJson = String.valueOf(headers.get("content-type")).startsWith("application/json");
            return new Reply(status, headers, rest.isBlank() || !isJson ? null : new ObjectMapper().readTree(rest));
        } catch (IOException e) {
            throw new IllegalStateException("request from " + source + " failed: " + e.getMessage(), e);
        }
    }

    private static String unchunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int nl = s.indexOf("\r\n", i);
            int n = Integer.parseInt(s.substring(i, nl).trim(), 16);
            if (n == 0) return out.toString();
            out.append(s, nl + 2, nl + 2 + n);
            i = nl + 2 + n + 2;
        }
    }
}
