package io.qvit.backend.cuda.emu.program;

/** The classes a launch profile counts instructions by. */
public enum InstrClass {
    INTEGER, FP32, FP64, CONVERT, TENSOR_CORE, WARP_COLLECTIVE, CONTROL, BARRIER,
    MEMORY_GLOBAL, MEMORY_SHARED, MEMORY_LOCAL, MEMORY_PARAM, MEMORY_CONST, MEMORY_GENERIC, OTHER;

    /** The memory class of a state space ({@link Space}). */
    public static InstrClass memory(int space) {
        return values()[MEMORY_GLOBAL.ordinal() + space];
    }
}
