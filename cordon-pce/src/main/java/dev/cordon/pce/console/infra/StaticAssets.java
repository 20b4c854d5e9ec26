package dev.cordon.pce.console.infra;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The console's static files, from the classpath: its own ({@code /console-static/...} from {@code console-static/})
 * and htmx from its webjar ({@code /webjars/...} from {@code META-INF/resources/webjars/}). Paths are checked
 * against a plain pattern, so nothing outside those folders can be read.
 */
public final class StaticAssets {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*(/[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*)*");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon");

    /** The path of htmx.min.js in the webjar on the classpath, e.g. {@code /webjars/htmx.org/2.0.3/dist/htmx.min.js}. */
    static final String HTMX = "/webjars/htmx.org/" + htmxVersion() + "/dist/htmx.min.js";

    private StaticAssets() {}

    public static void serve(Context ctx, String classpathRoot, String rest) {
        String ext = rest.substring(rest.lastIndexOf('.') + 1);
        InputStream in = SAFE.matcher(rest).matches() && TYPES.containsKey(ext)
                ? StaticAssets.class.getClassLoader().getResourceAsStream(classpathRoot + rest) : null;
        if (in == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("No such file: " + ctx.path());
            return;
        }
        ctx.header("Cache-Control", "public, max-age=3600").contentType(TYPES.get(ext)).result(in);
    }

    private static String htmxVersion() {
        try (InputStream in = StaticAssets.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
            if (in == null) throw new IllegalStateException("The htmx webjar (org.webjars.npm:htmx.org) is not on the classpath.");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the htmx webjar's version: " + e.getMessage(), e);
        }
    }
}
