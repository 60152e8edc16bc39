package io.qvit.model.weights;

import io.qvit.QvitException;
import java.nio.file.Path;

/** The one wording for "this checkpoint cannot be trusted", so every reader tells the user the same thing. */
final class Corrupt {
    private Corrupt() {}

    static QvitException file(Path file, String problem) {
        return new QvitException(file + ": " + problem + "; the file is truncated or corrupt, re-download it");
    }

    static QvitException tensor(Path file, String tensor, String problem) {
        return file(file, "tensor '" + tensor + "': " + problem);
    }

    static QvitException file(Path file, String problem, Throwable cause) {
        return new QvitException(file + ": " + problem + "; the file is truncated or corrupt, re-download it", cause);
    }
}
