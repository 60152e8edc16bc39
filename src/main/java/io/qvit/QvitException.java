package io.qvit;

/**
 * An error a person can act on: bad input file, unknown model, mismatched tensors, bad option.
 * Its message names the file, tensor or option and says what to do; the CLI prints the message
 * alone (no stack trace) and exits non-zero.
 */
public class QvitException extends RuntimeException {
    public QvitException(String message) {
        super(message);
    }

    public QvitException(String message, Throwable cause) {
        super(message, cause);
    }
}
