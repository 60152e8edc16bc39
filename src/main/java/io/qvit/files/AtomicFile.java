package io.qvit.files;

import io.qvit.QvitException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a result file so that readers never see half of it: the content goes to a temporary file
 * in the same folder, which is moved over the target only once it is complete. A failed or
 * interrupted write leaves the old target (or none) and no temporary file behind.
 */
public final class AtomicFile {
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
            }
        }
    }

    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, ORDINARY);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its default permissions stand
        }
    }
}
