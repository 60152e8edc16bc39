package io.qvit.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real weights and images in {@code ../shared/data} (never committed). Tests that need them call
 * {@link #require} and are skipped, with a message naming the missing path, where it is absent.
 * Override the location with {@code -Dqvit.shared.data=DIR} or {@code QVIT_SHARED_DATA}.
 */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String prop = System.getProperty("qvit.shared.data");
        if (prop == null) prop = System.getenv("QVIT_SHARED_DATA");
        return prop != null ? Path.of(prop) : Path.of("..", "shared", "data").toAbsolutePath().normalize();
    }

    /** The path under the shared data folder; skips the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "skipped: shared test data " + p + " is absent (see ../shared/data/README.md)");
        return p;
    }
}
