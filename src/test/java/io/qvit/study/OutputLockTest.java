package io.qvit.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19: two studies on one --out poisoned each other's cells; the second is refused, naming the first. */
class OutputLockTest {
    @Test
    void aSecondStudyIsRefusedNamingTheHolder(@TempDir Path dir) {
        Path out = dir.resolve("study");
        try (OutputLock first = OutputLock.acquire(out, "qvit study --out " + out)) {
            QvitException e = assertThrows(QvitException.class, () -> OutputLock.acquire(out, "the second"));
            assertTrue(e.getMessage().contains("--out " + out + " is in use by another qvit study (process " + ProcessHandle.current().pid())
                    && e.getMessage().contains("qvit study --out " + out), e.getMessage());
        }
        OutputLock.acquire(out, "once the first is done").close();
    }

    /** The case that matters: the holder is another process; when it dies, the operating system frees the lock. */
    @Test
    void anotherProcessesStudyIsNamedAndItsDeathFreesTheLock(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldOutputLock.class.getName(), out.toString()).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            assertEquals("locked", lines.readLine());
            QvitException e = assertThrows(QvitException.class, () -> OutputLock.acquire(out, "the second"));
            assertTrue(e.getMessage().contains("(process " + p.pid() + " on ") && e.getMessage().contains("(another process)"), e.getMessage());
        } finally {
            p.destroyForcibly(); // SIGKILL: no chance to release it
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        OutputLock.acquire(out, "after the holder died").close();
    }
}
