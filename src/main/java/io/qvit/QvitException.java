package io.qvit;

import java.util.function.Supplier;

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

    /**
     * Runs {@code action}; a QvitException it throws comes back with {@code context + ": "} in front
     * of its message: the file or option it concerns, which the code that threw could not know.
     */
    public static <T> T withContext(String context, Supplier<T> action) {
        try {
            return action.get();
        } catch (QvitException e) {
            throw new QvitException(context + ": " + e.getMessage(), e);
        }
    }

    /** The first line of {@code e}'s message, for a one-line error that quotes it ("(no message)" when it has none). */
    public static String firstLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) return "(no message)";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
