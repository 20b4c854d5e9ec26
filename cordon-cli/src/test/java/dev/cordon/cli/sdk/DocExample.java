package dev.cordon.cli.sdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The SDK example script of docs/api.md: the {@code ```python} block whose first line is {@code # sdk-example...}. */
final class DocExample {
    static final String MARK = "# sdk-example";

    private DocExample() {}

    static String sdkExample(Path doc) throws Exception {
        List<String> lines = Files.readAllLines(doc);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```python") || i + 1 >= lines.size()
                    || !lines.get(i + 1).startsWith(MARK)) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            for (int j = i + 1; j < lines.size() && !lines.get(j).strip().equals("```"); j++) b.append(lines.get(j)).append('\n');
            return b.toString();
        }
        throw new AssertionError(doc + " has no ```python block starting with '" + MARK + "' (the SDK example)");
    }
}
