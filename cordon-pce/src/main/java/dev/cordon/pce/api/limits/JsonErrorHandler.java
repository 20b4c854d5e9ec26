package dev.cordon.pce.api.limits;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answer to requests it refuses before any handler sees them (headers too large → 431, request line too
 * long → 414, malformed → 400): the API's JSON error list instead of Jetty's HTML page, so clients parse one shape.
 */
public final class JsonErrorHandler extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String token = switch (status) {
            case 431 -> "request_headers_too_large";
            case 414 -> "request_uri_too_long";
            case 413 -> "request_too_large";
            default -> "bad_request";
        };
        String message = switch (status) {
            case 431 -> "The request's headers are larger than the PCE accepts (its --max-header-bytes option):"
                    + " send fewer or shorter headers.";
            case 414 -> "The request line is longer than the PCE accepts (its --max-header-bytes option): use a"
                    + " shorter path and query.";
            default -> "The PCE could not read this HTTP request" + (reason == null ? "" : " (" + clean(reason) + ")") + ".";
        };
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        String json = "[{\"token\":\"" + token + "\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]";
        return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(c < 0x20 || c > 0x7e ? '?' : c);
        return b.toString();
    }
}
