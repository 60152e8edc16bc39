package io.qvit.backend.cuda.emu.exec;

import io.qvit.backend.cuda.emu.memory.CtaMemory;
import io.qvit.backend.cuda.emu.memory.MemoryFault;
import io.qvit.backend.cuda.emu.program.Instr;
import io.qvit.backend.cuda.emu.program.Op;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.backend.cuda.emu.semantics.WarpOps;

/**
 * Executes a warp collective once every lane of its member mask has arrived: gathers the lanes'
 * operands, computes (vote, redux, match here; shfl, ldmatrix and mma through {@link WarpOps}) and
 * writes each member's destinations.
 */
final class WarpCollectives {
    private final int[] a = new int[32], b = new int[32], c = new int[32], d = new int[32];
    private final boolean[] p = new boolean[32];

    /** The member mask a lane gives for this instruction; .aligned tensor-core instructions take the whole warp. */
    static int memberMask(Instr in, long[] r, int warpLanes) {
        return switch (in.op) {
            case Op.WARP_SYNC -> (int) r[in.s[0]];
            case Op.VOTE, Op.REDUX, Op.MATCH -> (int) r[in.s[1]];
            case Op.SHFL -> (int) r[in.s[3]];
            default -> warpLanes;
        };
    }

    void execute(Instr in, long[][] regs, int base, int mask, CtaMemory memory) {
        switch (in.op) {
            case Op.WARP_SYNC -> { }
            case Op.VOTE -> vote(in, regs, base, mask);
            case Op.REDUX -> redux(in, regs, base, mask);
            case Op.MATCH -> match(in, regs, base, mask);
            case Op.SHFL -> {
                for (int l = 0; l < 32; l++) {
                    if ((mask >>> l & 1) == 0) continue;
                    long[] r = regs[base + l];
                    a[l] = (int) r[in.s[0]];
                    b[l] = (int) r[in.s[1]];
                    c[l] = (int) r[in.s[2]];
                }
                WarpOps.shfl(WarpOps.ShflMode.values()[in.sub], a, b, c, mask, d, p);
                for (int l = 0; l < 32; l++) {
                    if ((mask >>> l & 1) == 0) continue;
                    long[] r = regs[base + l];
                    r[in.d[0]] = d[l] & 0xffffffffL;
                    if (in.d.length > 1) r[in.d[1]] = p[l] ? 1 : 0;
                }
            }
            case Op.LDMATRIX -> ldmatrix(in, regs, base, mask, memory);
            case Op.MMA_I8, Op.MMA_F16 -> mma(in, regs, base);
            default -> throw new IllegalStateException(in.toString());
        }
    }

    private static void vote(Instr in, long[][] regs, int base, int mask) {
        int ballot = 0;
        for (int l = 0; l < 32; l++)
            if ((mask >>> l & 1) != 0 && (regs[base + l][in.s[0]] != 0) != (in.negated != 0)) ballot |= 1 << l;
        long result = switch (in.sub) {
            case 0 -> ballot == mask ? 1 : 0;
            case 1 -> ballot != 0 ? 1 : 0;
            case 2 -> ballot == 0 || ballot == mask ? 1 : 0;
            default -> ballot & 0xffffffffL;
        };
        for (int l = 0; l < 32; l++) if ((mask >>> l & 1) != 0) regs[base + l][in.d[0]] = result;
    }

    private static void redux(Instr in, long[][] regs, int base, int mask) {
        long acc = 0;
        boolean first = true;
        for (int l = 0; l < 32; l++) {
            if ((mask >>> l & 1) == 0) continue;
            long v = IntegerAlu.ext(regs[base + l][in.s[0]], 32, in.signed);
            acc = first ? v : switch (in.sub) {
                case 0 -> acc + v;
                case 1 -> Math.min(acc, v);
                case 2 -> Math.max(acc, v);
                case 3 -> acc & v;
                case 4 -> acc | v;
                default -> acc ^ v;
            };
            first = false;
        }
        for (int l = 0; l < 32; l++) if ((mask >>> l & 1) != 0) regs[base + l][in.d[0]] = IntegerAlu.zx(acc, 32);
    }

    private static void match(Instr in, long[][] regs, int base, int mask) {
        boolean all = in.sub == 1;
        for (int l = 0; l < 32; l++) {
            if ((mask >>> l & 1) == 0) continue;
            long mine = IntegerAlu.zx(regs[base + l][in.s[0]], in.width);
            int same = 0;
            for (int k = 0; k < 32; k++)
                if ((mask >>> k & 1) != 0 && IntegerAlu.zx(regs[base + k][in.s[0]], in.width) == mine) same |= 1 << k;
            long[] r = regs[base + l];
            boolean equal = same == mask;
            r[in.d[0]] = all ? (equal ? mask & 0xffffffffL : 0) : same & 0xffffffffL;
            if (in.d.length > 1) r[in.d[1]] = equal ? 1 : 0;
        }
    }

    private static void ldmatrix(Instr in, long[][] regs, int base, int mask, CtaMemory memory) {
        int num = in.sub;
        long[] rows = new long[32];
        for (int l = 0; l < 8 * num; l++) {
            rows[l] = regs[base + l][in.s[0]] + in.offset;
            if ((rows[l] & 15) != 0)
                throw new MemoryFault("memcheck", "Misaligned ldmatrix row address 0x" + Long.toHexString(rows[l]) + " of lane " + l
                        + " (rows must be 16-byte aligned)", rows[l]);
        }
        int[][] out = new int[32][num];
        WarpOps.ldmatrix(num, in.sat, rows, (address, words) -> {
            int lane = 0;
            while (lane < 8 * num - 1 && rows[lane] != address) lane++;
            for (int k = 0; k < 4; k++) words[k] = (int) memory.load(Space.SHARED, address + 4L * k, 4, base + lane);
        }, out);
        for (int l = 0; l < 32; l++) {
            if ((mask >>> l & 1) == 0) continue;
            for (int k = 0; k < num; k++) regs[base + l][in.d[k]] = out[l][k] & 0xffffffffL;
        }
    }

    private static void mma(Instr in, long[][] regs, int base) {
        int[][] af = new int[32][4], bf = new int[32][2];
        for (int l = 0; l < 32; l++) {
            long[] r = regs[base + l];
            for (int k = 0; k < 4; k++) af[l][k] = (int) r[in.s[k]];
            for (int k = 0; k < 2; k++) bf[l][k] = (int) r[in.s[4 + k]];
        }
        if (in.op == Op.MMA_I8) {
            int[][] cf = new int[32][4], df = new int[32][4];
            for (int l = 0; l < 32; l++) for (int k = 0; k < 4; k++) cf[l][k] = (int) regs[base + l][in.s[6 + k]];
            WarpOps.mmaM16n8k32I8(af, in.signed, bf, in.signed2, cf, in.sat, df);
            for (int l = 0; l < 32; l++) for (int k = 0; k < 4; k++) regs[base + l][in.d[k]] = df[l][k] & 0xffffffffL;
        } else {
            float[][] cf = new float[32][4], df = new float[32][4];
            for (int l = 0; l < 32; l++) for (int k = 0; k < 4; k++) cf[l][k] = Float.intBitsToFloat((int) regs[base + l][in.s[6 + k]]);
            WarpOps.mmaM16n8k16F32(af, bf, cf, in.sat, df);
            for (int l = 0; l < 32; l++)
                for (int k = 0; k < 4; k++) regs[base + l][in.d[k]] = Float.floatToRawIntBits(df[l][k]) & 0xffffffffL;
        }
    }
}
