package io.qvit.backend.cuda.emu.program;

import java.util.List;

/** The special registers that are fixed for a thread's lifetime; each lives in a register slot the thread's start fills. */
public enum Special {
    TID_X("%tid.x"), TID_Y("%tid.y"), TID_Z("%tid.z"), NTID_X("%ntid.x"), NTID_Y("%ntid.y"), NTID_Z("%ntid.z"),
    CTAID_X("%ctaid.x"), CTAID_Y("%ctaid.y"), CTAID_Z("%ctaid.z"), NCTAID_X("%nctaid.x"), NCTAID_Y("%nctaid.y"), NCTAID_Z("%nctaid.z"),
    LANEID("%laneid"), WARPID("%warpid"), NWARPID("%nwarpid"), SMID("%smid"), NSMID("%nsmid"), GRIDID("%gridid"),
    LANEMASK_EQ("%lanemask_eq"), LANEMASK_LT("%lanemask_lt"), LANEMASK_LE("%lanemask_le"), LANEMASK_GT("%lanemask_gt"),
    LANEMASK_GE("%lanemask_ge"), DYNAMIC_SMEM_SIZE("%dynamic_smem_size"), TOTAL_SMEM_SIZE("%total_smem_size");

    public final String ptx;

    Special(String ptx) {
        this.ptx = ptx;
    }

    public static Special of(String name) {
        for (Special s : values()) if (s.ptx.equals(name)) return s;
        return null;
    }

    /** The special registers that change while a thread runs, read by a {@link Op#CLOCK} instruction. */
    public static final List<String> CLOCKS = List.of("%clock", "%clock64", "%globaltimer", "%clock_hi");
}
