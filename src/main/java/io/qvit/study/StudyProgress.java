package io.qvit.study;

/** Where a study reports what it is doing; the CLI draws it as progress lines on stderr. */
public interface StudyProgress {
    /** A pass of the network over {@code images} images begins (one per model). */
    void start(String what, int images);

    /** {@code images} more images went through the network. */
    void advance(int images);

    /** The pass begun by the last {@link #start} is over. */
    void done();

    /** A one-line message: a skipped cell, a calibration, a file written. */
    void note(String message);

    /** Progress that goes nowhere (tests, library use). */
    StudyProgress SILENT = new StudyProgress() {
        @Override
        public void start(String what, int images) {}

        @Override
        public void advance(int images) {}

        @Override
        public void done() {}

        @Override
        public void note(String message) {}
    };
}
