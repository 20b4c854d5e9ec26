package dev.cordon.pce.console.infra;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import gg.jte.resolve.ResourceCodeResolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The console's jte templates ({@code console/*.jte} on the classpath), compiled by jte on first use into a private
 * temporary directory and shared by every console in the JVM (templates never change at run time). Compiling needs
 * the JDK's compiler, which the PCE's runtime has; see docs/design/console.md for why this and not precompiling.
 */
public final class Templates {
    private static volatile TemplateEngine engine;

    private Templates() {}

    public static String render(String template, Page page) {
        StringOutput out = new StringOutput();
        engine().render(template + ".jte", page, out);
        return out.toString();
    }

    /** A template whose parameters are named (a fragment that needs no page, e.g. a picker's options). */
    public static String render(String template, java.util.Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine().render(template + ".jte", params, out);
        return out.toString();
    }

    private static TemplateEngine engine() {
        TemplateEngine e = engine;
        if (e == null) {
            synchronized (Templates.class) {
                if (engine == null) engine = create();
                e = engine;
            }
        }
        return e;
    }

    private static TemplateEngine create() {
        Path classes;
        try {
            classes = Files.createTempDirectory("cordon-console-templates");
        } catch (IOException ex) {
            throw new IllegalStateException("Cannot create a directory for the console's compiled templates: " + ex.getMessage(), ex);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(classes), "console-templates-cleanup"));
        ClassLoader loader = Templates.class.getClassLoader();
        TemplateEngine e = TemplateEngine.create(new ResourceCodeResolver("console", loader), classes, ContentType.Html, loader);
        e.setTrimControlStructures(true);
        return e;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit: it is a temporary directory
        }
    }
}
