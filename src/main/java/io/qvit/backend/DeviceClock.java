package io.qvit.backend;

/**
 * Marks on a backend's timeline and the time between two of them: CUDA events on a GPU (so the time
 * is the device's, without the host's queueing), the host's monotonic clock elsewhere. Each pair of
 * marks is read once ({@link #millis} may release them).
 */
public interface DeviceClock {
    /** A point on the timeline. */
    interface Mark {}

    /** The host's clock, for backends that run on the host (and the PTX emulator). */
    DeviceClock HOST = new DeviceClock() {
        private record Nanos(long value) implements Mark {}

        @Override
        public Mark mark() {
            return new Nanos(System.nanoTime());
        }

        @Override
        public double millis(Mark start, Mark end) {
            return (((Nanos) end).value() - ((Nanos) start).value()) / 1e6;
        }

        @Override
        public String method() {
            return "host clock (System.nanoTime)";
        }
    };

    Mark mark();

    /** Milliseconds from {@code start} to {@code end}; waits for {@code end} to be reached. */
    double millis(Mark start, Mark end);

    /** How it measures, in words, for result files. */
    String method();
}
