package dev.cordon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shell examples of {@code docs/api.md} and {@code docs/operations.md} run as a reader would run them, against a
 * real PCE started from the built jar, and print what the docs say they print.
 *
 * <p>Each doc gets its own PCE and its own {@code bash}, so variables and functions defined in one block (DATA, PCE,
 * {@code api()}) carry to the next. Rules for the docs, kept simple enough to write by hand:
 * <ul>
 *   <li>Every {@code ```sh} block runs, in order (also one indented inside a list item), unless its first line
 *       starts with {@code # illustrative} (PostgreSQL, several machines, root: the doc says why).
 *   <li>A command line {@code cordon pce --data D --listen H:P ...} starts the PCE: the jar runs with D replaced by a
 *       temporary directory and P by a free port; the test waits until {@code /api/v2/health} answers over HTTPS,
 *       trusting the certificate in D. The comment lines after it must appear in what the PCE prints. bash then gets
 *       {@code DATA} and {@code PCE} in its environment, which the docs' {@code DATA=${DATA:-D}} and
 *       {@code PCE=${PCE:-...}} lines honour; their defaults must agree with the {@code cordon pce} line. A later
 *       {@code cordon pce} line with the same D and H:P restarts the PCE (SIGTERM, as Ctrl-C), as after a
 *       configuration change.
 *   <li>Any other command (several lines while a quote, bracket or trailing backslash is open) runs in bash with
 *       {@code source}. Comment lines right after it, up to a blank line or the next command, are its whole output:
 *       whitespace is ignored and {@code ...} stands for anything. For {@code VAR=...} the comment at the end of the
 *       line, or the comment lines after it, are the value VAR must get; a {@code VAR=$(...)} must get some value.
 *   <li>Every command must exit 0, and print neither a curl error nor an {@code internal_error} it does not expect.
 * </ul>
 * A {@code cordon} on bash's PATH runs the same jar. The PCE is stopped and every temporary file removed after each
 * doc, also when a step fails (the steps after a failure are reported as aborted).
 */
class ApiDocExamplesIT {
    private static final List<String> DOCS = List.of("docs/api.md", "docs/operations.md");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=");
    private static final Pattern SERVER = Pattern.compile("^(\\./)?cordon\\s+pce(\\s|$)");
    private static final Pattern DATA_DEFAULT = Pattern.compile("^DATA=\\$\\{DATA:-([^}]*)\\}\\s*$");
    private static final Pattern PCE_DEFAULT = Pattern.compile("^PCE=\\$\\{PCE:-https?://[^/]*:(\\d+)/api/v2\\}\\s*$");
    private static final List<Session> SESSIONS = new CopyOnWriteArrayList<>();

    /** One command of a doc, with what it must print (or, for an assignment, the value it must set). */
    record Step(String doc, int line, String command, String variable, List<String> expected, boolean server) {
        String title() {
            String first = command.lines().findFirst().orElse("").strip();
            return doc + ":" + line + "  " + (first.length() > 100 ? first.substring(0, 100) + "..." : first);
        }
    }

    @TestFactory
    Stream<DynamicNode> everyShellExampleInTheApiAndOperationsDocsRunsAgainstARealPce() throws IOException {
        Path root = Path.of(System.getProperty("cordon.root", ".."));
        String jar = System.getProperty("cordon.jar");
        assertThat(jar).as("system property cordon.jar (set by failsafe)").isNotNull();
        List<DynamicNode> docs = new ArrayList<>();
        for (String doc : DOCS) {
            List<Step> steps = parse(doc, Files.readAllLines(root.resolve(doc)));
            assertThat(steps).as("runnable steps in %s", doc).hasSizeGreaterThanOrEqualTo(3);
            assertThat(steps.get(0).server()).as("%s must start its PCE (cordon pce ...) before anything else", doc).isTrue();
            Session session = new Session(doc, Path.of(jar));
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                boolean lastOfDoc = i == steps.size() - 1;
                tests.add(DynamicTest.dynamicTest(s.title(), () -> {
                    try {
                        session.run(s);
                    } finally {
                        if (lastOfDoc) session.close();
                    }
                }));
            }
            docs.add(DynamicContainer.dynamicContainer(doc + " (" + steps.size() + " steps)", tests));
        }
        return docs.stream();
    }

    @AfterAll
    static void stopEverything() {
        SESSIONS.forEach(Session::close);
    }

    // ---- reading the docs ----

    static List<Step> parse(String doc, List<String> lines) {
        List<Step> steps = new ArrayList<>();
        boolean inShell = false;
        boolean skipBlock = false;
        boolean firstLineOfBlock = false;
        StringBuilder command = null;
        int commandLine = 0;
        Lexer lex = null;
        Step last = null;
        int indent = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String fence = line.stripLeading();
            if (fence.startsWith("```")) {
                if (inShell && command != null) {
                    throw new IllegalStateException(doc + ":" + commandLine + ": the command never ends (an open quote or bracket)");
                }
                inShell = !inShell && fence.strip().equals("```sh");
                indent = line.length() - fence.length(); // a block inside a list item is indented as a whole
                firstLineOfBlock = inShell;
                skipBlock = false;
                last = null;
                continue;
            }
            if (!inShell) continue;
            int strip = 0;
            while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') strip++;
            line = line.substring(strip);
            if (firstLineOfBlock) {
                firstLineOfBlock = false;
                skipBlock = line.startsWith("# illustrative");
            }
            if (skipBlock) continue;
            if (command != null) {
                command.append('\n').append(line);
                lex.feed(line);
            } else if (line.isBlank()) {
                last = null;
                continue;
            } else if (line.startsWith("#")) {
                if (last != null) last.expected().add(line.substring(1));
                continue;
            } else {
                command = new StringBuilder(line);
                commandLine = i + 1;
                lex = new Lexer();
                lex.feed(line);
            }
            if (!lex.complete()) continue;
            String text = command.toString();
            Matcher m = ASSIGNMENT.matcher(text);
            String variable = m.find() ? m.group(1) : null;
            List<String> expected = new ArrayList<>();
            if (variable != null && lex.comment != null) expected.add(lex.comment);
            last = new Step(doc, commandLine, text, variable, expected, SERVER.matcher(text).find());
            steps.add(last);
            command = null;
        }
        return steps;
    }

    /** Just enough of the shell's quoting to know where a command ends and where its trailing comment starts. */
    static final class Lexer {
        private char quote;
        private int depth;
        private boolean continued;
        String comment;

        void feed(String line) {
            comment = null;
            continued = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quote == '\'') {
                    if (c == '\'') quote = 0;
                } else if (quote == '"') {
                    if (c == '\\') i++;
                    else if (c == '"') quote = 0;
                } else if (c == '\\') {
                    if (i == line.length() - 1) continued = true;
                    i++;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                    comment = line.substring(i + 1).strip();
                    return;
                } else if (c == '(' || c == '{') {
                    depth++;
                } else if (c == ')' || c == '}') {
                    depth--;
                }
            }
        }

        boolean complete() {
            return quote == 0 && depth <= 0 && !continued;
        }
    }

    /** Whitespace is ignored and {@code ...} matches anything; the whole output must match. */
    static boolean matches(String actual, List<String> expected) {
        String want = String.join("", expected).replaceAll("\\s+", "");
        StringBuilder re = new StringBuilder();
        String[] parts = want.split("\\.\\.\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) re.append(".*");
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(actual.replaceAll("\\s+", "")).matches();
    }

    // ---- running them ----

    /** One doc's PCE and bash, both started by the doc's own commands. */
    static final class Session implements AutoCloseable {
        private final String doc;
        private final Path jar;
        private final String marker = "__cordon_step_done_" + UUID.randomUUID().toString().replace("-", "");
        private Path dir;
        private Process pce;
        private StringBuffer pceOutput = new StringBuffer();
        private Process bash;
        private Writer bashIn;
        private final BlockingQueue<String> bashOut = new LinkedBlockingQueue<>();
        private String docData;
        private String docListen;
        private Path data;
        private int port;
        private int stepNumber;
        private boolean failed;

        Session(String doc, Path jar) {
            this.doc = doc;
            this.jar = jar;
            SESSIONS.add(this);
        }

        void run(Step s) throws Exception {
            Assumptions.assumeFalse(failed, "an earlier step of " + doc + " failed");
            try {
                if (s.server()) startPce(s);
                else runInBash(s);
            } catch (Throwable t) {
                failed = true;
                throw t;
            }
        }

        private void startPce(Step s) throws Exception {
            boolean restart = pce != null;
            if (restart) stopPce();
            else dir = Files.createTempDirectory("cordon-apidoc-");
            List<String> argv = new ArrayList<>(List.of("java", "-jar", jar.toString(), "pce"));
            String[] words = s.command().strip().split("\\s+");
            boolean plainHttp = false;
            String given = null;
            String listen = null;
            for (int i = 2; i < words.length; i++) {
                String w = words[i];
                if (w.startsWith("#")) break;
                if (w.equals("\\")) continue;
                if (w.equals("--data") && i + 1 < words.length) {
                    given = words[++i];
                    data = dir.resolve("data");
                    argv.addAll(List.of("--data", data.toString()));
                } else if (w.equals("--listen") && i + 1 < words.length) {
                    listen = words[++i];
                    if (!restart) port = freePort();
                    argv.addAll(List.of("--listen", listen.substring(0, listen.lastIndexOf(':')) + ":" + port));
                } else if (w.equals("--db-url")) {
                    fail("%s: a --db-url example needs a PostgreSQL server: mark its block '# illustrative'", s.title());
                } else {
                    plainHttp |= w.equals("--plain-http");
                    argv.add(w);
                }
            }
            assertThat(given).as("%s: give --data, as a reader would", s.title()).isNotNull();
            assertThat(listen).as("%s: give --listen, as a reader would", s.title()).isNotNull();
            if (restart) {
                assertThat(given + " " + listen).as("%s: a restart keeps --data and --listen", s.title())
                        .isEqualTo(docData + " " + docListen);
            }
            docData = given;
            docListen = listen;
            StringBuffer output = new StringBuffer(); // this process's own: a stopped one may still be flushing
            pceOutput = output;
            pce = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            pump(pce.getInputStream(), line -> output.append(line).append('\n'), "pce-output");
            String base = (plainHttp ? "http" : "https") + "://127.0.0.1:" + port;
            waitForHealth(base);
            checkPceOutput(s);
            if (restart) return;
            Path work = Files.createDirectories(dir.resolve("work"));
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path cordon = bin.resolve("cordon");
            Files.writeString(cordon, "#!/bin/sh\nexec java -jar '" + jar + "' \"$@\"\n");
            Files.setPosixFilePermissions(cordon, PosixFilePermissions.fromString("rwxr-xr-x"));
            ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(work.toFile())
                    .redirectErrorStream(true);
            pb.environment().put("DATA", data.toString());
            pb.environment().put("PCE", base + "/api/v2");
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            bash = pb.start();
            bashIn = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
            pump(bash.getInputStream(), bashOut::add, "bash-output");
        }

        /** The comment lines after a {@code cordon pce} line appear in what it printed (in the doc's terms). */
        private void checkPceOutput(Step s) {
            if (s.expected().isEmpty()) return;
            String shown = pceOutput.toString().replace(data.toString(), docData)
                    .replace(":" + port, docListen.substring(docListen.lastIndexOf(':')))
                    .replaceAll("\\s+", "");
            String want = String.join("", s.expected()).replaceAll("\\s+", "");
            assertThat(shown).as("%s: what the PCE prints", s.title()).contains(want);
        }

        /** Stops the PCE as Ctrl-C would, and waits for it. */
        private void stopPce() {
            pce.destroy();
            try {
                if (!pce.waitFor(20, TimeUnit.SECONDS)) pce.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                pce.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            pce = null;
        }

        private void waitForHealth(String base) throws Exception {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            HttpClient client = null;
            while (System.nanoTime() < deadline) {
                if (!pce.isAlive()) fail("the PCE exited with %d:%n%s", pce.exitValue(), pceOutput);
                if (client == null && base.startsWith("https") && Files.exists(data.resolve("tls/pce-cert.pem"))
                        && pceOutput.indexOf("listening on") >= 0) {
                    client = HttpClient.newBuilder().sslContext(trusting(data.resolve("tls/pce-cert.pem")))
                            .connectTimeout(Duration.ofSeconds(5)).build();
                } else if (client == null && base.startsWith("http:")) {
                    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                }
                if (client != null) {
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/health"))
                                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) return;
                    } catch (IOException e) {
                        // not answering yet
                    }
                }
                Thread.sleep(200);
            }
            fail("the PCE did not answer %s/api/v2/health within %s:%n%s", base, START_TIMEOUT, pceOutput);
        }

        private static SSLContext trusting(Path pem) throws Exception {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (InputStream in = Files.newInputStream(pem)) {
                ks.setCertificateEntry("pce", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        }

        private void runInBash(Step s) throws Exception {
            if (bash == null) fail("%s: runs before the doc started its PCE (cordon pce ...)", s.title());
            checkDefaults(s);
            Path file = dir.resolve("step-" + (++stepNumber) + ".sh");
            Files.writeString(file, s.command() + "\n");
            String[] out = send("source '" + file + "' </dev/null");
            String output = out[0];
            String context = "\n--- command (" + s.title() + "):\n" + s.command() + "\n--- output:\n" + output
                    + "--- expected:\n" + String.join("\n", s.expected()) + "\n--- PCE log (last lines):\n" + pceTail();
            assertThat(out[1]).as("exit status" + context).isEqualTo("0");
            String expectedText = String.join("", s.expected());
            if (!expectedText.contains("curl:")) assertThat(output).as("curl error" + context).doesNotContain("curl: (");
            if (!expectedText.contains("internal_error")) assertThat(output).as("server error" + context).doesNotContain("internal_error");
            if (s.variable() != null) {
                String value = send("printf '%s\\n' \"$" + s.variable() + "\"")[0].strip();
                String valueContext = "\n--- command (" + s.title() + "):\n" + s.command() + "\n--- " + s.variable()
                        + " = '" + value + "'\n--- output:\n" + output;
                if (s.command().matches("(?s)^[A-Za-z_][A-Za-z0-9_]*=\\$\\(.*")) {
                    assertThat(value).as("value of " + s.variable() + valueContext).isNotEmpty();
                }
                if (!s.expected().isEmpty()) {
                    assertThat(matches(value, s.expected())).as("value of %s is %s, expected %s%s", s.variable(), value,
                            s.expected(), valueContext).isTrue();
                }
            } else if (!s.expected().isEmpty()) {
                assertThat(matches(output, s.expected())).as("output" + context).isTrue();
            }
        }

        /** {@code DATA=${DATA:-X}} and {@code PCE=${PCE:-...:P/api/v2}} must agree with the doc's {@code cordon pce} line. */
        private void checkDefaults(Step s) {
            Matcher d = DATA_DEFAULT.matcher(s.command());
            if (d.matches()) assertThat(d.group(1)).as("%s: DATA default vs --data of the cordon pce line", s.title()).isEqualTo(docData);
            Matcher p = PCE_DEFAULT.matcher(s.command());
            if (p.matches()) {
                assertThat(p.group(1)).as("%s: PCE default port vs --listen of the cordon pce line", s.title())
                        .isEqualTo(docListen.substring(docListen.lastIndexOf(':') + 1));
            }
        }

        /** Runs one line in bash; returns its output and exit status. */
        private String[] send(String line) throws Exception {
            bashIn.write(line + "; printf '\\n%s %s\\n' " + marker + " \"$?\"\n");
            bashIn.flush();
            StringBuilder out = new StringBuilder();
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String l = left > 0 ? bashOut.poll(left, TimeUnit.NANOSECONDS) : null;
                if (l == null) {
                    if (!bash.isAlive()) fail("bash exited (%d) while running: %s%n%s", bash.exitValue(), line, out);
                    fail("no answer within %s from: %s%n--- output so far:%n%s", STEP_TIMEOUT, line, out);
                }
                if (l.startsWith(marker + " ")) return new String[] {out.toString(), l.substring(marker.length() + 1).strip()};
                out.append(l).append('\n');
            }
        }

        private String pceTail() {
            String[] lines = pceOutput.toString().split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
        }

        private static void pump(InputStream in, java.util.function.Consumer<String> sink, String name) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) sink.accept(l);
                } catch (IOException e) {
                    // the process ended
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }

        @Override
        public synchronized void close() {
            if (bash != null) {
                bash.descendants().forEach(ProcessHandle::destroyForcibly);
                bash.destroyForcibly();
                bash = null;
            }
            if (pce != null) stopPce(); // SIGTERM: the PCE's shutdown hook stops it cleanly
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + dir, e);
                }
                dir = null;
            }
        }
    }
}
