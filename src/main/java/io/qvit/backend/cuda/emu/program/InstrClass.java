package io.qvit.backend.cuda.emu.program;

/** The classes a launch profile counts instructions by; WARP_COLLECTIVE is vote, redux, match and activemask (shfl has its own). */
public enum InstrClass {
    INTEGER, FP32, FP64, CONVERT, TENSOR_CORE, SHUFFLE, WARP_COLLECTIVE, CONTROL, BARRIER,
    MEMORY_GLOBAL, MEMORY_SHARED, MEMORY_LOCAL, MEMORY_PARAM, MEMORY_CONST, MEMORY_GENERIC, OTHER;

    /** The memory class of a state space ({@link Space}). */
    public static InstrClass memory(int space) {
        return values()[MEMORY_GLOBAL.ordinal() + space];
    }
}
