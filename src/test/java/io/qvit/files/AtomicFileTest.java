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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    /** Issue 19: a write stopped by SIGTERM (the JVM's orderly shutdown) leaves no temporary file. */
    @Test
    void anOrderlyShutdownLeavesNoTemporary(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("figure.png");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SlowAtomicWrite.class.getName(), target.toString()).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            assertEquals("writing", out.readLine());
            assertEquals(1, parts(dir).size(), "the write is under way");
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(List.of(), parts(dir));
        assertFalse(Files.exists(target));
    }

    /** Issue 19: what a hard kill leaves is removed on the next run, and only that. */
    @Test
    void staleTemporariesAreRemovedOnTheNextRun(@TempDir Path dir) throws IOException {
        Path figures = Files.createDirectories(dir.resolve("figures"));
        Path stale1 = Files.writeString(figures.resolve(".roc_m_msp.png8234923423.part"), "x");
        Path stale2 = Files.writeString(dir.resolve(".results.jsonl42.part"), "x");
        Path keep = Files.writeString(figures.resolve("notes.part"), "user's"), keep2 = Files.writeString(figures.resolve(".hidden"), "user's");
        assertEquals(2, AtomicFile.removeStaleUnder(dir));
        assertFalse(Files.exists(stale1) || Files.exists(stale2));
        assertTrue(Files.exists(keep) && Files.exists(keep2));

        Path model = dir.resolve("m.safetensors");
        Path mine = Files.writeString(dir.resolve(".m.safetensors123.part"), "x"), other = Files.writeString(dir.resolve(".n.safetensors123.part"), "x");
        assertEquals(1, AtomicFile.removeStale(model));
        assertFalse(Files.exists(mine));
        assertTrue(Files.exists(other), "only the target's own temporaries");
    }

    private static List<Path> parts(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        }
    }

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
