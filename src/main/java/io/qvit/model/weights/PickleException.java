package io.qvit.model.weights;

/** A pickle stream that is malformed, or (when {@link #refused()}) asks for something the safe unpickler will not do. */
final class PickleException extends Exception {
    private final boolean refused;

    PickleException(String message) {
        this(message, false);
    }

    private PickleException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    /** A well-formed pickle that needs a global outside the allow-list: not corruption, so not worth re-downloading. */
    static PickleException refused(String message) {
        return new PickleException(message, true);
    }

    boolean refused() {
        return refused;
    }
}
