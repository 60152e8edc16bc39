package io.qvit.backend.cuda.emu.program;

import io.qvit.backend.cuda.emu.ptx.PtxParam;
import java.util.List;

/**
 * A decoded kernel: its instructions, the register file every thread starts from ({@code template}:
 * zeros, then the immediates), which slots hold which special register, its parameters with their
 * offsets in param space, and its memory layout (static shared bytes, where dynamic shared memory
 * starts, local bytes per thread).
 */
public record Program(String file, String name, Instr[] code, long[] template, int[] specialSlots, Special[] specialKinds,
                      List<PtxParam> params, int[] paramOffsets, int paramBytes, long staticSharedBytes, long dynamicSharedBase,
                      long localBytes) {
    /** {@code file:line} of an instruction, for messages. */
    public String where(int pc) {
        return file + ":" + code[pc].line;
    }
}
