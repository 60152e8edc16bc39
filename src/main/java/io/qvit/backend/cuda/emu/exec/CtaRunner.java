package io.qvit.backend.cuda.emu.exec;

import static io.qvit.backend.cuda.emu.exec.IntegerAlu.ext;
import static io.qvit.backend.cuda.emu.exec.IntegerAlu.sx;
import static io.qvit.backend.cuda.emu.exec.IntegerAlu.zx;

import io.qvit.backend.cuda.driver.Dim3;
import io.qvit.backend.cuda.emu.memory.CtaMemory;
import io.qvit.backend.cuda.emu.memory.GlobalMemory;
import io.qvit.backend.cuda.emu.memory.MemoryFault;
import io.qvit.backend.cuda.emu.program.Instr;
import io.qvit.backend.cuda.emu.program.InstrClass;
import io.qvit.backend.cuda.emu.program.Op;
import io.qvit.backend.cuda.emu.program.Program;
import io.qvit.backend.cuda.emu.program.Space;
import io.qvit.backend.cuda.emu.program.Special;
import io.qvit.backend.cuda.emu.semantics.Convert;
import io.qvit.backend.cuda.emu.semantics.FloatOps;
import io.qvit.backend.cuda.emu.semantics.Rounding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs CTAs of one launch, one at a time (one runner per worker thread). Threads have independent
 * progress: each runs until it reaches a CTA barrier, a warp collective or its exit (or a slice of
 * instructions ends, so spin loops make progress); then barriers and collectives whose members have
 * all arrived complete, and so on. When nothing can run and nothing can complete while threads are
 * left, the CTA is deadlocked. Any sanitizer finding stops the CTA with a {@link FindingException}.
 */
final class CtaRunner {
    private static final byte RUNNING = 0, AT_BARRIER = 1, AT_COLLECTIVE = 2, EXITED = 3;
    private static final int SLICE = 1 << 16;

    private final Program program;
    private final Instr[] code;
    private final CtaMemory memory;
    private final Dim3 grid, block;
    private final int threads, dynamicShared, sharedBytes;
    private final byte[] params;
    private final long[][] regs;
    private final int[] pc;
    private final byte[] state;
    private final Barriers barriers = new Barriers();
    private final AsyncCopies copies = new AsyncCopies();
    private final WarpCollectives collectives = new WarpCollectives();
    final long[] counts = new long[InstrClass.values().length];
    long barriersCompleted, ctasRun;
    private int exited;
    private int ctaX, ctaY, ctaZ;
    private long ctaIndex;

    CtaRunner(Program program, GlobalMemory global, byte[] constants, Dim3 grid, Dim3 block, int dynamicShared, byte[] params) {
        this.program = program;
        this.code = program.code();
        this.memory = new CtaMemory(global, constants);
        this.grid = grid;
        this.block = block;
        this.threads = (int) block.volume();
        this.dynamicShared = dynamicShared;
        this.sharedBytes = (int) Math.max(program.staticSharedBytes(), dynamicShared > 0 ? program.dynamicSharedBase() + dynamicShared : 0);
        this.params = params;
        this.regs = new long[threads][];
        this.pc = new int[threads];
        this.state = new byte[threads];
    }

    /** Bytes moved per state space by the CTAs this runner ran. */
    long[] bytesMoved() {
        return memory.bytesMoved;
    }

    void run(long ctaIndex) {
        this.ctaIndex = ctaIndex;
        ctasRun++;
        ctaX = (int) (ctaIndex % grid.x());
        ctaY = (int) (ctaIndex / grid.x() % grid.y());
        ctaZ = (int) (ctaIndex / ((long) grid.x() * grid.y()));
        memory.reset(sharedBytes, threads, block.x(), block.y(), (int) program.localBytes(), params);
        barriers.reset(threads);
        copies.reset(threads);
        exited = 0;
        for (int t = 0; t < threads; t++) {
            long[] r = program.template().clone();
            Special[] kinds = program.specialKinds();
            int[] slots = program.specialSlots();
            for (int i = 0; i < slots.length; i++) r[slots[i]] = special(kinds[i], t);
            regs[t] = r;
            pc[t] = 0;
            state[t] = RUNNING;
        }
        schedule();
    }

    private long special(Special s, int t) {
        int lane = t & 31;
        return switch (s) {
            case TID_X -> t % block.x();
            case TID_Y -> t / block.x() % block.y();
            case TID_Z -> t / (block.x() * block.y());
            case NTID_X -> block.x();
            case NTID_Y -> block.y();
            case NTID_Z -> block.z();
            case CTAID_X -> ctaX;
            case CTAID_Y -> ctaY;
            case CTAID_Z -> ctaZ;
            case NCTAID_X -> grid.x();
            case NCTAID_Y -> grid.y();
            case NCTAID_Z -> grid.z();
            case LANEID -> lane;
            case WARPID -> t >> 5;
            case NWARPID -> (threads + 31) >> 5;
            case SMID, GRIDID -> 0;
            case NSMID -> 132;
            case LANEMASK_EQ -> 1L << lane;
            case LANEMASK_LT -> (1L << lane) - 1;
            case LANEMASK_LE -> (2L << lane) - 1;
            case LANEMASK_GT -> ~((2L << lane) - 1) & 0xffffffffL;
            case LANEMASK_GE -> ~((1L << lane) - 1) & 0xffffffffL;
            case DYNAMIC_SMEM_SIZE -> dynamicShared;
            case TOTAL_SMEM_SIZE -> sharedBytes;
        };
    }

    private void schedule() {
        while (true) {
            boolean ran = false;
            for (int t = 0; t < threads; t++) {
                if (state[t] == RUNNING) {
                    ran = true;
                    runThread(t);
                }
            }
            boolean completed = completeBarriers() | completeCollectives();
            if (!ran && !completed) {
                if (exited == threads) return;
                throw deadlock();
            }
        }
    }

    private void runThread(int t) {
        long[] r = regs[t];
        int p = pc[t];
        try {
            for (int budget = SLICE; budget > 0; budget--) {
                Instr in = code[p];
                if (in.guard >= 0 && (r[in.guard] != 0) == in.guardNegated) {
                    p++;
                    continue;
                }
                counts[in.profileClass.ordinal()]++;
                int w = in.width;
                switch (in.op) {
                    case Op.ADD -> r[in.d[0]] = zx(r[in.s[0]] + r[in.s[1]], w);
                    case Op.SUB -> r[in.d[0]] = zx(r[in.s[0]] - r[in.s[1]], w);
                    case Op.ADD_SAT -> r[in.d[0]] = IntegerAlu.addSat32(r[in.s[0]], r[in.s[1]]);
                    case Op.MUL_LO -> r[in.d[0]] = zx(r[in.s[0]] * r[in.s[1]], w);
                    case Op.MUL_HI -> r[in.d[0]] = IntegerAlu.mulHi(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.MUL_WIDE -> r[in.d[0]] = zx(ext(r[in.s[0]], w, in.signed) * ext(r[in.s[1]], w, in.signed), 2 * w);
                    case Op.MAD_LO -> r[in.d[0]] = zx(r[in.s[0]] * r[in.s[1]] + r[in.s[2]], w);
                    case Op.MAD_HI -> r[in.d[0]] = zx(IntegerAlu.mulHi(r[in.s[0]], r[in.s[1]], w, in.signed) + r[in.s[2]], w);
                    case Op.MAD_WIDE -> r[in.d[0]] = zx(ext(r[in.s[0]], w, in.signed) * ext(r[in.s[1]], w, in.signed) + r[in.s[2]], 2 * w);
                    case Op.MUL24_LO -> r[in.d[0]] = zx(ext(r[in.s[0]], 24, in.signed) * ext(r[in.s[1]], 24, in.signed), w);
                    case Op.MAD24_LO -> r[in.d[0]] = zx(ext(r[in.s[0]], 24, in.signed) * ext(r[in.s[1]], 24, in.signed) + r[in.s[2]], w);
                    case Op.DIV -> r[in.d[0]] = IntegerAlu.div(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.REM -> r[in.d[0]] = IntegerAlu.rem(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.MIN -> r[in.d[0]] = IntegerAlu.min(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.MAX -> r[in.d[0]] = IntegerAlu.max(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.ABS -> r[in.d[0]] = zx(Math.abs(sx(r[in.s[0]], w)), w);
                    case Op.NEG -> r[in.d[0]] = zx(-r[in.s[0]], w);
                    case Op.AND -> r[in.d[0]] = zx(src(in, r, 0) & src(in, r, 1), w);
                    case Op.OR -> r[in.d[0]] = zx(src(in, r, 0) | src(in, r, 1), w);
                    case Op.XOR -> r[in.d[0]] = zx(src(in, r, 0) ^ src(in, r, 1), w);
                    case Op.NOT -> r[in.d[0]] = zx(~src(in, r, 0), w);
                    case Op.CNOT -> r[in.d[0]] = zx(r[in.s[0]], w) == 0 ? 1 : 0;
                    case Op.SHL -> r[in.d[0]] = IntegerAlu.shl(r[in.s[0]], r[in.s[1]], w);
                    case Op.SHR -> r[in.d[0]] = IntegerAlu.shr(r[in.s[0]], r[in.s[1]], w, in.signed);
                    case Op.POPC -> r[in.d[0]] = Long.bitCount(zx(r[in.s[0]], w));
                    case Op.CLZ -> r[in.d[0]] = IntegerAlu.clz(r[in.s[0]], w);
                    case Op.BREV -> r[in.d[0]] = IntegerAlu.brev(r[in.s[0]], w);
                    case Op.BFIND -> r[in.d[0]] = IntegerAlu.bfind(r[in.s[0]], w, in.signed, in.sat);
                    case Op.BFE -> r[in.d[0]] = IntegerAlu.bfe(r[in.s[0]], r[in.s[1]], r[in.s[2]], w, in.signed);
                    case Op.BFI -> r[in.d[0]] = IntegerAlu.bfi(r[in.s[0]], r[in.s[1]], r[in.s[2]], r[in.s[3]], w);
                    case Op.PRMT -> r[in.d[0]] = IntegerAlu.prmt(r[in.s[0]], r[in.s[1]], r[in.s[2]], in.sub);
                    case Op.LOP3 -> r[in.d[0]] = IntegerAlu.lop3(r[in.s[0]], r[in.s[1]], r[in.s[2]], (int) in.offset);
                    case Op.DP4A -> r[in.d[0]] = IntegerAlu.dp4a(r[in.s[0]], r[in.s[1]], r[in.s[2]], in.signed, in.signed2);
                    case Op.DP2A -> r[in.d[0]] = IntegerAlu.dp2a(r[in.s[0]], r[in.s[1]], r[in.s[2]], in.signed, in.signed2, in.sat);
                    case Op.COPYSIGN -> {
                        // copysign d, a, b: b's magnitude with a's sign (a bit operation, no rounding)
                        long sign = w == 32 ? 0x80000000L : Long.MIN_VALUE;
                        r[in.d[0]] = r[in.s[1]] & ~sign & (w == 32 ? 0xffffffffL : -1L) | r[in.s[0]] & sign;
                    }
                    case Op.SELP -> r[in.d[0]] = src(in, r, 2) != 0 ? r[in.s[0]] : r[in.s[1]];
                    case Op.SLCT -> r[in.d[0]] = (in.sat ? FloatOps.compare("ge", Float.intBitsToFloat((int) r[in.s[2]]), 0)
                            : (int) r[in.s[2]] >= 0) ? r[in.s[0]] : r[in.s[1]];
                    case Op.SETP -> {
                        boolean v = IntegerAlu.compare(in.sub, r[in.s[0]], r[in.s[1]], w, in.signed);
                        boolean c = in.s.length < 3 || src(in, r, 2) != 0;
                        r[in.d[0]] = IntegerAlu.combine(in.sub2, v, c) ? 1 : 0;
                        if (in.d.length > 1) r[in.d[1]] = IntegerAlu.combine(in.sub2, !v, c) ? 1 : 0;
                    }
                    case Op.MOV -> r[in.d[0]] = zx(r[in.s[0]], w);
                    case Op.PACK -> {
                        long v = 0;
                        for (int i = 0; i < in.s.length; i++) v |= zx(r[in.s[i]], in.width2) << (i * in.width2);
                        r[in.d[0]] = v;
                    }
                    case Op.UNPACK -> {
                        long v = r[in.s[0]];
                        for (int i = 0; i < in.d.length; i++) r[in.d[i]] = zx(v >>> (i * in.width2), in.width2);
                    }
                    case Op.CVT_INT -> {
                        long v = ext(r[in.s[0]], in.width2, in.signed2);
                        r[in.d[0]] = in.sat ? zx(Convert.intToInt(v, in.type2, in.type, true), w) : zx(v, w);
                    }
                    case Op.CVTA -> {
                        long a = r[in.s[0]];
                        long window = in.space == Space.SHARED ? Space.SHARED_WINDOW : in.space == Space.LOCAL ? Space.LOCAL_WINDOW : 0;
                        r[in.d[0]] = zx(in.sat ? a - window : a + window, w);
                    }
                    case Op.CLOCK -> r[in.d[0]] = zx(System.nanoTime(), w);
                    case Op.LD -> load(in, r, t);
                    case Op.ST -> store(in, r, t);
                    case Op.ATOM -> atomic(in, r, t);
                    case Op.CP_ASYNC -> {
                        long dst = r[in.s[0]] + in.target, src = r[in.s[1]] + in.offset;
                        int srcSize = (int) r[in.s[2]] < 0 ? w : (int) Math.min(r[in.s[2]], w);
                        memory.checkShared(dst, w);
                        aligned(src, w, "cp.async read");
                        if (srcSize > 0) {
                            memory.checkGlobal(src, 1);
                            memory.checkGlobal(src + srcSize - 1, 1);
                        }
                        copies.issue(t, dst, src, w, srcSize);
                    }
                    case Op.CP_COMMIT -> copies.commit(t);
                    case Op.CP_WAIT -> copies.waitFor(t, (int) in.offset, in.sat, memory);
                    case Op.NOP -> { }
                    case Op.ACTIVEMASK -> r[in.d[0]] = activeLanes(t >> 5);
                    case Op.BRA -> {
                        p = in.target;
                        continue;
                    }
                    case Op.EXIT -> {
                        state[t] = EXITED;
                        exited++;
                        pc[t] = p;
                        return;
                    }
                    case Op.BAR_SYNC, Op.BAR_ARRIVE, Op.BAR_RED -> {
                        boolean red = in.op == Op.BAR_RED;
                        barriers.arrive(t, r[in.s[0]], (int) r[in.s[1]], in.op == Op.BAR_ARRIVE, red ? in.sub : -1,
                                red && src(in, r, 2) != 0, red ? in.d[0] : -1);
                        if (in.op != Op.BAR_ARRIVE) {
                            state[t] = AT_BARRIER;
                            pc[t] = p + 1;
                            return;
                        }
                    }
                    default -> {
                        if (Op.collective(in.op)) {
                            state[t] = AT_COLLECTIVE;
                            pc[t] = p;
                            return;
                        }
                        FloatAlu.execute(in, r);
                    }
                }
                p++;
            }
            pc[t] = p;
        } catch (MemoryFault f) {
            throw finding(f.tool, f.getMessage(), t, p, f.address);
        } catch (UnsupportedOperationException e) {
            throw finding("emulator", "instruction not implemented yet by the semantics library (" + e + ")", t, p, 0);
        }
    }

    /** Source operand i, negated when it is a {@code !%p} predicate. */
    private static long src(Instr in, long[] r, int i) {
        long v = r[in.s[i]];
        return (in.negated >>> i & 1) != 0 ? v ^ 1 : v;
    }

    private void load(Instr in, long[] r, int t) {
        long address = r[in.s[0]] + in.offset;
        int n = in.width / 8;
        if (in.vector > 1) aligned(address, n * in.vector, "read");
        for (int i = 0; i < in.vector; i++) {
            long v = memory.load(in.space, address + (long) i * n, n, t);
            r[in.d[i]] = in.signed ? sx(v, in.width) : v;
        }
    }

    private void store(Instr in, long[] r, int t) {
        long address = r[in.s[0]] + in.offset;
        int n = in.width / 8;
        if (in.vector > 1) aligned(address, n * in.vector, "write");
        for (int i = 0; i < in.vector; i++) memory.store(in.space, address + (long) i * n, n, r[in.s[1 + i]], t);
    }

    private static void aligned(long address, int bytes, String access) {
        if ((address & (bytes - 1)) != 0)
            throw new MemoryFault("memcheck", "Misaligned vector " + access + " of size " + bytes + " bytes at 0x" + Long.toHexString(address)
                    + " (must be a multiple of " + bytes + ")", address);
    }

    private void atomic(Instr in, long[] r, int t) {
        long address = r[in.s[0]] + in.offset;
        long b = r[in.s[1]], c = in.s.length > 2 ? r[in.s[2]] : 0;
        int w = in.width;
        long old = memory.atomic(in.space, address, w / 8, t, (o, unused) -> atomicResult(in, o, b, c));
        if (in.d.length > 0) r[in.d[0]] = old;
    }

    private static long atomicResult(Instr in, long old, long b, long c) {
        int w = in.width;
        boolean fl = in.type.startsWith("f");
        return switch (in.sub) {
            case 0 -> fl ? (w == 32 ? Float.floatToRawIntBits(FloatOps.add(Float.intBitsToFloat((int) old), Float.intBitsToFloat((int) b), Rounding.RN, true, false)) & 0xffffffffL
                    : Double.doubleToRawLongBits(FloatOps.add(Double.longBitsToDouble(old), Double.longBitsToDouble(b), Rounding.RN))) : zx(old + b, w);
            case 1 -> IntegerAlu.min(old, b, w, in.signed);
            case 2 -> IntegerAlu.max(old, b, w, in.signed);
            case 3 -> zx(b, w);
            case 4 -> zx(old, w) == zx(b, w) ? zx(c, w) : old;
            case 5 -> zx(old & b, w);
            case 6 -> zx(old | b, w);
            case 7 -> zx(old ^ b, w);
            case 8 -> Long.compareUnsigned(zx(old, w), zx(b, w)) >= 0 ? 0 : zx(old + 1, w);
            default -> zx(old, w) == 0 || Long.compareUnsigned(zx(old, w), zx(b, w)) > 0 ? zx(b, w) : zx(old - 1, w);
        };
    }

    private long activeLanes(int warp) {
        long mask = 0;
        for (int l = 0; l < 32 && warp * 32 + l < threads; l++) if (state[warp * 32 + l] != EXITED) mask |= 1L << l;
        return mask;
    }

    private boolean completeBarriers() {
        boolean any = false;
        for (int b = barriers.ready(); b >= 0; b = barriers.ready()) {
            int[] waiters = barriers.waiters(b);
            int n = barriers.waitingCount(b);
            int reduction = barriers.reduction(b);
            for (int i = 0; i < n; i++) {
                int t = waiters[i];
                state[t] = RUNNING;
                if (reduction >= 0) regs[t][barriers.destination(t)] = reduction;
            }
            memory.barrier(waiters, n, barriers.wholeCta(b));
            barriersCompleted++;
            barriers.release(b);
            any = true;
        }
        return any;
    }

    private boolean completeCollectives() {
        boolean any = false;
        for (int base = 0; base < threads; base += 32) {
            int lanes = Math.min(32, threads - base);
            int warpLanes = lanes == 32 ? -1 : (1 << lanes) - 1;
            for (int l = 0; l < lanes; l++) {
                int t = base + l;
                if (state[t] != AT_COLLECTIVE) continue;
                Instr in = code[pc[t]];
                int mask = WarpCollectives.memberMask(in, regs[t], warpLanes);
                if ((mask >>> l & 1) == 0) throw finding("synccheck", "lane " + l + " is not in its own member mask 0x" + Integer.toHexString(mask), t, pc[t], 0);
                boolean ready = true;
                for (int k = 0; k < 32; k++) {
                    if ((mask >>> k & 1) == 0) continue;
                    int u = base + k;
                    if (k >= lanes)
                        throw finding("synccheck", "member mask 0x" + Integer.toHexString(mask) + " names lane " + k + ", which this warp does not have ("
                                + threads + " threads in the block)", t, pc[t], 0);
                    if (state[u] == EXITED)
                        throw finding("synccheck", "deadlock: warp collective with member mask 0x" + Integer.toHexString(mask) + " can never complete: lane "
                                + k + " (thread " + memory.threadName(u) + ") has exited", t, pc[t], 0);
                    if (state[u] != AT_COLLECTIVE || pc[u] != pc[t]) {
                        ready = false;
                    } else if (WarpCollectives.memberMask(in, regs[u], warpLanes) != mask) {
                        throw finding("synccheck", "lanes " + l + " and " + k + " give different member masks (0x" + Integer.toHexString(mask) + ", 0x"
                                + Integer.toHexString(WarpCollectives.memberMask(in, regs[u], warpLanes)) + ")", t, pc[t], 0);
                    }
                }
                if (!ready) continue;
                try {
                    collectives.execute(in, regs, base, mask, memory);
                } catch (MemoryFault f) {
                    throw finding(f.tool, f.getMessage(), t, pc[t], f.address);
                } catch (UnsupportedOperationException e) {
                    throw finding("emulator", "instruction not implemented yet by the semantics library (" + e + ")", t, pc[t], 0);
                }
                for (int k = 0; k < 32; k++) {
                    if ((mask >>> k & 1) == 0) continue;
                    pc[base + k]++;
                    state[base + k] = RUNNING;
                }
                memory.warpSync(base >> 5, mask);
                any = true;
            }
        }
        return any;
    }

    private FindingException deadlock() {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        int firstExited = -1;
        for (int t = 0; t < threads; t++) {
            if (state[t] == EXITED) {
                if (firstExited < 0) firstExited = t;
                continue;
            }
            int at = state[t] == AT_BARRIER ? pc[t] - 1 : pc[t];
            String key = (state[t] == AT_BARRIER ? "wait at a CTA barrier, " : "wait at a warp collective, ") + program.where(at) + " `" + code[at].text + "`";
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
        }
        StringBuilder b = new StringBuilder("deadlock: no thread of the block can continue;");
        for (int i = 0; i < Barriers.COUNT; i++) {
            String s = barriers.state(i);
            if (s != null) b.append(' ').append(s).append(';');
        }
        for (var e : groups.entrySet())
            b.append(' ').append(e.getValue().size()).append(" threads (first ").append(memory.threadName(e.getValue().get(0))).append(") ")
                    .append(e.getKey()).append(';');
        if (exited > 0) b.append(' ').append(exited).append(" threads exited (first ").append(memory.threadName(firstExited)).append(")");
        int t = groups.values().iterator().next().get(0);
        return finding("synccheck", b.toString(), t, state[t] == AT_BARRIER ? pc[t] - 1 : pc[t], 0);
    }

    private FindingException finding(String tool, String message, int thread, int at, long address) {
        Instr in = code[Math.min(at, code.length - 1)];
        return new FindingException(new Finding(tool, program.name(), "(" + ctaX + "," + ctaY + "," + ctaZ + ")", memory.threadName(thread),
                program.where(Math.min(at, code.length - 1)), in.text, address, message), ctaIndex);
    }
}
