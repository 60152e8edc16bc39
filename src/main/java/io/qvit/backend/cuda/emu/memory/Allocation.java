package io.qvit.backend.cuda.emu.memory;

/**
 * One allocation of global memory: its address and bytes, and one initialisation flag per byte
 * (initcheck). Atomics lock the allocation.
 */
public final class Allocation {
    public final long base;
    public final int size;
    public final byte[] data;
    public final byte[] initialised;
    volatile boolean freed;
    final String what;

    Allocation(long base, int size, String what) {
        this.base = base;
        this.size = size;
        this.what = what;
        this.data = new byte[size];
        this.initialised = new byte[size];
    }

    boolean contains(long address) {
        return address >= base && address - base < size;
    }

    @Override
    public String toString() {
        return what + " of " + size + " bytes at 0x" + Long.toHexString(base);
    }
}
