package io.qvit.backend.cuda.emu.memory;

import io.qvit.backend.cuda.emu.program.Space;
import java.util.Arrays;
import java.util.function.LongBinaryOperator;

/**
 * What one CTA's threads can address: global memory (shared with every CTA), the CTA's shared memory,
 * each thread's local memory, the launch's parameters and the module's constants. Every access is
 * checked as compute-sanitizer would: bounds, alignment and freed memory in every space (memcheck),
 * reads of bytes nothing wrote in global and shared memory (initcheck), and conflicting shared
 * accesses (racecheck). A finding is a {@link MemoryFault}. One instance per worker thread, reset per CTA.
 */
public final class CtaMemory {
    private final GlobalMemory global;
    private final byte[] constants;
    private final RaceDetector race = new RaceDetector();
    private byte[] param = new byte[0];
    private byte[] shared = new byte[0], sharedInit = new byte[0];
    private int sharedSize, localSize, blockX, blockY;
    private byte[][] local = new byte[0][];
    private Allocation cached;
    /** Bytes moved per space ({@link Space}) by the CTAs this instance ran; generic accesses count where they resolved. */
    public final long[] bytesMoved = new long[Space.COUNT];

    public CtaMemory(GlobalMemory global, byte[] constants) {
        this.global = global;
        this.constants = constants;
    }

    public void reset(int sharedBytes, int threads, int blockX, int blockY, int localBytes, byte[] param) {
        if (shared.length < sharedBytes) {
            shared = new byte[sharedBytes];
            sharedInit = new byte[sharedBytes];
        }
        Arrays.fill(sharedInit, 0, sharedBytes, (byte) 0);
        sharedSize = sharedBytes;
        race.reset(sharedBytes, threads);
        if (local.length < threads || localSize != localBytes) local = new byte[threads][];
        else Arrays.fill(local, 0, threads, null);
        localSize = localBytes;
        this.blockX = blockX;
        this.blockY = blockY;
        this.param = param;
    }

    public void barrier(int[] threads, int count, boolean all) {
        race.barrier(threads, count, all);
    }

    public void warpSync(int warp, int mask) {
        race.warpSync(warp, mask);
    }

    /** The {@code n} bytes at {@code address} in {@code space}, zero-extended. */
    public long load(int space, long address, int n, int thread) {
        if (space == Space.GENERIC) {
            space = genericSpace(address);
            address = local(address, space);
        }
        bytesMoved[space] += n;
        switch (space) {
            case Space.GLOBAL: {
                Allocation a = allocation(address, n, "read");
                int o = (int) (address - a.base);
                for (int i = 0; i < n; i++)
                    if (a.initialised[o + i] == 0)
                        throw new MemoryFault("initcheck", "Uninitialized __global__ memory read of size " + n + " bytes at 0x"
                                + Long.toHexString(address) + " (byte " + (o + i) + " of " + a + " was never written)", address);
                return Bytes.get(a.data, o, n);
            }
            case Space.SHARED: {
                int o = sharedOffset(address, n, "read");
                for (int i = 0; i < n; i++) {
                    if (sharedInit[o + i] == 0)
                        throw new MemoryFault("initcheck", "Uninitialized __shared__ memory read of size " + n + " bytes at 0x"
                                + Long.toHexString(address) + " (byte " + (o + i) + " was never written in this block)", address);
                    int other = race.read(o + i, thread);
                    if (other >= 0) throw race(address, "read", thread, "write", other);
                }
                return Bytes.get(shared, o, n);
            }
            case Space.LOCAL:
                return Bytes.get(localOf(thread), localOffset(address, n, "read"), n);
            case Space.PARAM:
                return Bytes.get(param, bounded(address, n, param.length, "param", "read"), n);
            default:
                return Bytes.get(constants, bounded(address, n, constants.length, "constant", "read"), n);
        }
    }

    public void store(int space, long address, int n, long value, int thread) {
        if (space == Space.GENERIC) {
            space = genericSpace(address);
            address = local(address, space);
        }
        bytesMoved[space] += n;
        switch (space) {
            case Space.GLOBAL: {
                Allocation a = allocation(address, n, "write");
                int o = (int) (address - a.base);
                Bytes.put(a.data, o, n, value);
                for (int i = 0; i < n; i++) a.initialised[o + i] = 1;
                return;
            }
            case Space.SHARED: {
                int o = sharedOffset(address, n, "write");
                for (int i = 0; i < n; i++) {
                    int other = race.write(o + i, thread);
                    if (other >= 0) throw race(address, "write", thread, "access", other);
                    sharedInit[o + i] = 1;
                }
                Bytes.put(shared, o, n, value);
                return;
            }
            case Space.LOCAL:
                Bytes.put(localOf(thread), localOffset(address, n, "write"), n, value);
                return;
            default:
                throw new MemoryFault("memcheck", "Invalid write to ." + Space.name(space) + " space (read-only) at 0x" + Long.toHexString(address), address);
        }
    }

    /**
     * An atomic read-modify-write of {@code n} bytes: stores {@code op(old, 0)} and returns {@code old}.
     * Global atomics lock the allocation (CTAs run on several threads); shared ones need no lock.
     */
    public long atomic(int space, long address, int n, int thread, LongBinaryOperator op) {
        if (space == Space.GENERIC) {
            space = genericSpace(address);
            address = local(address, space);
        }
        bytesMoved[space] += 2L * n;
        if (space == Space.GLOBAL) {
            Allocation a = allocation(address, n, "atomic");
            int o = (int) (address - a.base);
            synchronized (a) {
                for (int i = 0; i < n; i++)
                    if (a.initialised[o + i] == 0)
                        throw new MemoryFault("initcheck", "Uninitialized __global__ memory read by an atomic of size " + n + " bytes at 0x"
                                + Long.toHexString(address), address);
                long old = Bytes.get(a.data, o, n);
                Bytes.put(a.data, o, n, op.applyAsLong(old, 0));
                return old;
            }
        }
        if (space != Space.SHARED)
            throw new MemoryFault("memcheck", "Invalid atomic on ." + Space.name(space) + " space at 0x" + Long.toHexString(address), address);
        int o = sharedOffset(address, n, "atomic");
        for (int i = 0; i < n; i++)
            if (sharedInit[o + i] == 0)
                throw new MemoryFault("initcheck", "Uninitialized __shared__ memory read by an atomic of size " + n + " bytes at 0x"
                        + Long.toHexString(address), address);
        long old = Bytes.get(shared, o, n);
        Bytes.put(shared, o, n, op.applyAsLong(old, 0));
        return old;
    }

    /** Checks a shared range without touching it (cp.async destinations at issue time). */
    public void checkShared(long address, int n) {
        sharedOffset(address, n, "write");
    }

    /** Checks a global (or generic global) range without touching it (cp.async sources at issue time). */
    public void checkGlobal(long address, int n) {
        allocation(address, n, "read");
    }

    /** The state space a generic address falls in. */
    public static int genericSpace(long address) {
        if (address >= Space.SHARED_WINDOW && address < Space.SHARED_WINDOW + Space.WINDOW_SIZE) return Space.SHARED;
        if (address >= Space.LOCAL_WINDOW && address < Space.LOCAL_WINDOW + Space.WINDOW_SIZE) return Space.LOCAL;
        return Space.GLOBAL;
    }

    private static long local(long generic, int space) {
        return space == Space.SHARED ? generic - Space.SHARED_WINDOW : space == Space.LOCAL ? generic - Space.LOCAL_WINDOW : generic;
    }

    private Allocation allocation(long address, int n, String access) {
        Allocation a = cached;
        if (a == null || !a.contains(address) || a.freed) {
            a = global.find(address);
            if (a == null)
                throw new MemoryFault("memcheck", "Invalid __global__ " + access + " of size " + n + " bytes at 0x" + Long.toHexString(address)
                        + ": the address " + global.describe(address), address);
            cached = a;
        }
        if ((address & (n - 1)) != 0) throw misaligned("__global__", access, n, address);
        if (address - a.base + n > a.size)
            throw new MemoryFault("memcheck", "Invalid __global__ " + access + " of size " + n + " bytes at 0x" + Long.toHexString(address)
                    + ": runs " + (address - a.base + n - a.size) + " bytes past the end of " + a, address);
        return a;
    }

    private int sharedOffset(long address, int n, String access) {
        if ((address & (n - 1)) != 0) throw misaligned("__shared__", access, n, address);
        if (address < 0 || address + n > sharedSize)
            throw new MemoryFault("memcheck", "Invalid __shared__ " + access + " of size " + n + " bytes at 0x" + Long.toHexString(address)
                    + ": out of bounds (this block has " + sharedSize + " bytes of shared memory)", address);
        return (int) address;
    }

    private int localOffset(long address, int n, String access) {
        if ((address & (n - 1)) != 0) throw misaligned("__local__", access, n, address);
        return bounded(address, n, localSize, "local", access);
    }

    private byte[] localOf(int thread) {
        byte[] l = local[thread];
        if (l == null) l = local[thread] = new byte[localSize];
        return l;
    }

    private static int bounded(long address, int n, int size, String space, String access) {
        if (address < 0 || address + n > size)
            throw new MemoryFault("memcheck", "Invalid ." + space + " " + access + " of size " + n + " bytes at 0x" + Long.toHexString(address)
                    + ": out of bounds (the space holds " + size + " bytes)", address);
        if ((address & (n - 1)) != 0) throw misaligned("." + space, access, n, address);
        return (int) address;
    }

    private static MemoryFault misaligned(String space, String access, int n, long address) {
        return new MemoryFault("memcheck", "Misaligned " + space + " " + access + " of size " + n + " bytes at 0x" + Long.toHexString(address)
                + " (must be a multiple of " + n + ")", address);
    }

    private MemoryFault race(long address, String access, int thread, String otherAccess, int other) {
        return new MemoryFault("racecheck", "Race on __shared__ memory at 0x" + Long.toHexString(address) + ": " + access + " by thread "
                + threadName(thread) + " and an earlier " + otherAccess + " by thread " + threadName(other)
                + " with no barrier or warp sync of both between them", address);
    }

    /** A thread's index in the block as {@code (x,y,z)}. */
    public String threadName(int thread) {
        return "(" + thread % blockX + "," + thread / blockX % blockY + "," + thread / (blockX * blockY) + ")";
    }
}
