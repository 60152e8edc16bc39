package io.qvit.hub;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a {@code .lock} file, held while one process downloads one cache file.
 *
 * <p>Why a lock rather than a unique {@code .part} name per process: resuming needs a {@code .part}
 * name the next run can find, and without a lock two processes would each fetch the whole file. With
 * it the second waits, then finds the verified file in place and downloads nothing. The operating
 * system drops the lock when its holder dies, so a crash leaves no stale lock to clean up; the lock
 * file itself is left behind (deleting it would race with a process about to lock it).
 */
final class CacheLock implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Blocks until the lock is ours; runs {@code onWait} once if someone else holds it first. */
    static CacheLock acquire(Path lockFile, Runnable onWait) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        boolean waited = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) return new CacheLock(channel, lock);
                if (!waited) {
                    onWait.run();
                    waited = true;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new InterruptedIOException("interrupted while waiting for " + lockFile);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // another thread of this JVM holds it: wait like for another process
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
