package io.qvit.files;

import io.qvit.QvitException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a result file so that readers never see half of it: the content goes to a temporary file
 * ({@code .NAME<digits>.part}) in the same folder, which is moved over the target only once it is
 * complete. A failed or interrupted write leaves the old target (or none) and no temporary file
 * behind: a failure deletes it, and so does the JVM's orderly shutdown (Ctrl-C, SIGTERM) for the
 * writes under way. Only a hard kill can leave one, which {@link #removeStale} clears on the next run.
 */
public final class AtomicFile {
    /** What {@link Files#createTempFile} makes of the prefix {@code .NAME} and the suffix {@code .part}. */
    private static final Pattern PART = Pattern.compile("\\..+\\d+\\.part");
    /** Temporary files being written, deleted by the shutdown hook if the JVM exits first. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : IN_PROGRESS) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // exiting: nothing left to tell
                }
            }
        }, "qvit-atomic-file-cleanup"));
    }

    /** The body of a write; may throw IOException. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {}

    private static final Set<PosixFilePermission> ORDINARY = PosixFilePermissions.fromString("rw-r--r--");

    public static void write(Path target, Body body) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
            IN_PROGRESS.add(tmp);
            readableByAll(tmp); // a temporary file is private (0600); the result is an ordinary file
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                body.writeTo(out);
                out.flush();
                channel.force(true); // on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            IN_PROGRESS.remove(tmp);
            tmp = null;
        } catch (IOException e) {
            throw new QvitException("cannot write " + target + ": " + e.getMessage()
                    + " (check that its folder exists, is writable and has space)", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the write already failed and says why
                }
                IN_PROGRESS.remove(tmp);
            }
        }
    }

    /**
     * Deletes the temporary files that killed writes left under {@code folder} (and its subfolders):
     * call it only where no other process writes (under a lock, or for one target, {@link #removeStale(Path)}).
     * Returns how many it deleted.
     */
    public static int removeStaleUnder(Path folder) {
        if (!Files.isDirectory(folder)) return 0;
        try (Stream<Path> all = Files.walk(folder)) {
            return delete(all.filter(p -> PART.matcher(p.getFileName().toString()).matches()).toList());
        } catch (IOException | UncheckedIOException e) {
            throw new QvitException("cannot clean the temporary files of killed writes in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the temporary files that killed writes of {@code target} left beside it; returns how many. */
    public static int removeStale(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName();
        if (dir == null || !Files.isDirectory(dir)) return 0;
        try (Stream<Path> beside = Files.list(dir)) {
            return delete(beside.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(prefix) && name.endsWith(".part") && name.substring(prefix.length(), name.length() - 5).matches("\\d+");
            }).filter(p -> !IN_PROGRESS.contains(p)).toList());
        } catch (IOException | UncheckedIOException e) {
            throw new QvitException("cannot clean the temporary files of killed writes of " + target + ": " + e.getMessage(), e);
        }
    }

    private static int delete(List<Path> files) throws IOException {
        int n = 0;
        for (Path p : files) {
            if (IN_PROGRESS.contains(p)) continue; // this JVM's own write under way
            if (Files.deleteIfExists(p)) n++;
        }
        return n;
    }

    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, ORDINARY);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions stand
        }
    }
}
