package io.qvit.backend.cuda.emu.program;

/** The operations a decoded {@link Instr} performs; one per PTX instruction family and form. */
public final class Op {
    private Op() {}

    // integer arithmetic and logic
    public static final int ADD = 1, SUB = 2, MUL_LO = 3, MUL_HI = 4, MUL_WIDE = 5, MAD_LO = 6, MAD_HI = 7, MAD_WIDE = 8,
            DIV = 9, REM = 10, MIN = 11, MAX = 12, ABS = 13, NEG = 14, AND = 15, OR = 16, XOR = 17, NOT = 18, CNOT = 19,
            SHL = 20, SHR = 21, BFE = 22, BFI = 23, PRMT = 24, LOP3 = 25, POPC = 26, CLZ = 27, BREV = 28, BFIND = 29,
            SELP = 30, SLCT = 31, SETP = 32, MOV = 33, CVT_INT = 34, CVTA = 35, ADD_SAT = 36, CLOCK = 37, MUL24_LO = 38,
            MAD24_LO = 39, PACK = 41, UNPACK = 42, DP4A = 43, DP2A = 44, COPYSIGN = 45;
    // floating point (through semantics.FloatOps / Convert)
    public static final int FADD = 50, FSUB = 51, FMUL = 52, FFMA = 53, FDIV = 54, FDIV_APPROX = 55, FDIV_FULL = 56,
            FSQRT = 57, FRCP = 58, FMIN = 59, FMAX = 60, FABS = 61, FNEG = 62, FAPPROX = 63, FSETP = 64, CVT_F = 65, FSELP_SLCT = 66;
    // memory
    public static final int LD = 80, ST = 81, ATOM = 82, CP_ASYNC = 83, CP_COMMIT = 84, CP_WAIT = 85, NOP = 86, ACTIVEMASK = 87;
    // control
    public static final int BRA = 100, EXIT = 101, RET = 102;
    // CTA barriers and warp collectives: a thread stops at these until its partners arrive
    public static final int BAR_SYNC = 110, BAR_ARRIVE = 111, BAR_RED = 112, FIRST_COLLECTIVE = 120, WARP_SYNC = 120, VOTE = 121,
            SHFL = 122, REDUX = 123, MATCH = 124, LDMATRIX = 125, MMA_I8 = 126, MMA_F16 = 127;

    public static boolean collective(int op) {
        return op >= FIRST_COLLECTIVE;
    }
}
