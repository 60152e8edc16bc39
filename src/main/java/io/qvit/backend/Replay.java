package io.qvit.backend;

import java.util.List;

/** Work prepared by {@link Backend#prepareReplay}: run it as often as needed, then close it. */
public interface Replay extends AutoCloseable {
    /** Runs the work; returns its outputs, which the replay owns: valid until the next run or close, never closed by the caller. */
    List<Tensor> run();

    /** Whether each run is one captured device graph (false: the ops are issued one by one). */
    boolean captured();

    @Override
    void close();
}
