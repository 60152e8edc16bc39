package io.qvit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public top-level type in {@code src/main/java} has a javadoc comment: the API is used from
 * other Java code, and its docs are the javadoc jar. A comment counts when it opens with
 * {@code /**} and ends just above the declaration (annotations may sit between).
 */
class JavadocCoverageTest {
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+((abstract|final|sealed|non-sealed|static|strictfp)\\s+)*(class|interface|enum|record|@interface)\\s+\\w+.*");

    @Test
    void everyPublicTopLevelTypeHasJavadoc() throws IOException {
        TreeSet<String> missing = new TreeSet<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (!PUBLIC_TYPE.matcher(lines.get(i)).matches()) continue;
                    checked++;
                    if (!documented(lines, i)) missing.add(f + ":" + (i + 1));
                }
            }
        }
        assertTrue(checked > 100, "found only " + checked + " public types; is the pattern right?");
        assertTrue(missing.isEmpty(), "public types without a javadoc comment: " + missing);
    }

    private static boolean documented(List<String> lines, int declaration) {
        int j = declaration - 1;
        while (j >= 0 && (lines.get(j).isBlank() || lines.get(j).startsWith("@"))) j--;
        if (j < 0 || !lines.get(j).strip().endsWith("*/")) return false;
        while (j >= 0 && !lines.get(j).contains("/*")) j--;
        return j >= 0 && lines.get(j).strip().startsWith("/**");
    }
}
