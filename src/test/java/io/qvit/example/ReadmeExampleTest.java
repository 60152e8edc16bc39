package io.qvit.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Java example is {@link EmbeddingExample}'s code between its README-EXAMPLE markers
 * (the imports and the method, unindented, a blank line between), so the two cannot drift apart.
 */
class ReadmeExampleTest {
    private static final Pattern REGION = Pattern.compile("( *)// README-EXAMPLE-START\n(.*?) *// README-EXAMPLE-END\n", Pattern.DOTALL);
    private static final String BLOCK = "<!-- java-api-example: src/test/java/io/qvit/example/EmbeddingExample.java -->\n```java\n";

    @Test
    void readmeShowsTheExample() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/qvit/example/EmbeddingExample.java"));
        List<String> regions = new ArrayList<>();
        Matcher m = REGION.matcher(source);
        while (m.find()) {
            String indent = m.group(1);
            StringBuilder region = new StringBuilder();
            for (String line : m.group(2).split("\n", -1))
                region.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n');
            regions.add(region.toString().stripTrailing() + "\n");
        }
        assertEquals(2, regions.size(), "EmbeddingExample.java should mark two regions: the imports and the method");

        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf(BLOCK);
        assertTrue(at >= 0, "README.md lacks the Java API example block after " + BLOCK.strip());
        int begin = at + BLOCK.length(), close = readme.indexOf("```\n", begin);
        assertEquals(String.join("\n", regions), readme.substring(begin, close),
                "README.md's Java example differs from EmbeddingExample.java between its markers; copy it over");
    }
}
