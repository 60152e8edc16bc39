package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLockTest {
    @TempDir
    Path dir;

    @Test
    void secondHolderWaitsUntilTheFirstReleases() throws Exception {
        Path lockFile = dir.resolve("model.safetensors.lock");
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> second;
        try (CacheLock first = CacheLock.acquire(lockFile, () -> {
            throw new AssertionError("nobody holds it yet");
        })) {
            second = CompletableFuture.runAsync(() -> {
                try (CacheLock lock = CacheLock.acquire(lockFile, waiting::countDown)) {
                    // got it
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(waiting.await(5, TimeUnit.SECONDS), "the second caller was told to wait");
            Thread.sleep(200);
            assertFalse(second.isDone(), "and is still waiting while the first holds the lock");
        }
        second.get(5, TimeUnit.SECONDS);
    }
}
