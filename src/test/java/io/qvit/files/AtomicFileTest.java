package io.qvit.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("results.csv");
        AtomicFile.write(target, out -> out.write("old\n".getBytes()));
        QvitException e = assertThrows(QvitException.class, () -> AtomicFile.write(target, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains("results.csv") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("old\n", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    /** Results are ordinary files, readable by others, not private like the temporary file they were. */
    @Test
    void resultIsReadableByAll(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("report.md");
        AtomicFile.write(target, out -> out.write("x".getBytes()));
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(target));
    }

    @Test
    void createsMissingFolders(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFile.write(target, out -> out.write('x'));
        assertEquals("x", Files.readString(target));
        assertFalse(Files.exists(dir.resolve("a/b/out.txt.part")));
    }
}
