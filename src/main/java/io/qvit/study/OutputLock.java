package io.qvit.study;

import io.qvit.QvitException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One study at a time on an output folder: an exclusive lock on {@code OUT/.lock}, whose content names
 * the holder (process, host, start time, command). Two studies with other settings on one folder
 * would otherwise rewrite each other's cells. A second study is refused with the holder's name rather
 * than made to wait, since a study runs for minutes to hours. The operating system drops the lock
 * when its holder dies, so a killed study leaves no stale lock; the file stays (deleting it would
 * race with a study about to lock it).
 */
final class OutputLock implements AutoCloseable {
    static final String NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock on {@code out} (created if needed), or fails naming the study that holds it. */
    static OutputLock acquire(Path out, String command) {
        Path file = out.resolve(NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(out);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another study in this JVM
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                throw new QvitException("--out " + out + " is in use by another qvit study (" + (holder.isEmpty() ? "holder unknown" : holder)
                        + "); wait for it to finish, or give this study another --out");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder(command).getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new OutputLock(channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new QvitException("--out " + out + ": cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static String holder(String command) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "process " + ProcessHandle.current().pid() + " on " + host + ", started "
                + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + ": " + command + "\n";
    }

    private static void close(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing: the first error says why
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        close(channel);
    }
}
