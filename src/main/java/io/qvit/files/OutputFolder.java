package io.qvit.files;

import io.qvit.QvitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before any work, that results can be written where they are asked for: by creating (and
 * removing) a file there, since permission bits say nothing for root, a read-only mount or a full disk.
 */
public final class OutputFolder {
    private OutputFolder() {}

    /**
     * Fails unless {@code folder} exists and a file can be created in it; {@code what} names the output
     * (an option and its value) in the message.
     */
    public static void requireWritable(String what, Path folder) {
        if (!Files.isDirectory(folder)) throw new QvitException(what + ": the folder " + folder + " does not exist; create it first");
        try {
            Files.delete(Files.createTempFile(folder, ".qvit-write-check", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new QvitException(what + ": cannot write in " + folder + " (" + e.getMessage() + "); choose a writable folder", e);
        }
    }
}
