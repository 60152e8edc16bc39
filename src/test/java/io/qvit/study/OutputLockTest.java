package io.qvit.study;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.nio.file.Path;
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
}
