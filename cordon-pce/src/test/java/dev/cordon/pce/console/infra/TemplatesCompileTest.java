package dev.cordon.pce.console.infra;

import static org.assertj.core.api.Assertions.assertThat;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.resolve.DirectoryCodeResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every console template compiles from the source tree, so a template that calls one which no longer exists fails
 * here and not on a page at run time. It reads {@code src/main/resources/console}, not the classpath: Maven does not
 * remove a deleted template from {@code target/classes}, and a stale copy there hid exactly that once.
 */
class TemplatesCompileTest {
    @Test
    void everyTemplateInTheSourceTreeCompiles(@TempDir Path classes) {
        Path sources = Path.of("src/main/resources/console");
        assertThat(sources).isDirectory();
        TemplateEngine engine = TemplateEngine.create(new DirectoryCodeResolver(sources), classes, ContentType.Html,
                getClass().getClassLoader());
        engine.setTrimControlStructures(true);
        List<String> compiled = engine.precompileAll();
        assertThat(compiled).as("templates compiled").hasSizeGreaterThan(20);
        assertThat(Files.exists(classes)).isTrue();
    }
}
