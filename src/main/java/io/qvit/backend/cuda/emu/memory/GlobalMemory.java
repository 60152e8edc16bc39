package io.qvit.backend.cuda.emu.memory;

import io.qvit.backend.cuda.driver.CudaException;
import io.qvit.backend.cuda.emu.program.Space;
import java.util.Map;
import java.util.TreeMap;

/**
 * The device's global memory: allocations at 256-byte aligned addresses with an unmapped gap after
 * each (so running off the end is an error, not a neighbour's bytes), and the freed ones remembered
 * so that a later access says "freed" rather than "never allocated". Allocation and freeing happen
 * between launches; during a launch the map is only read.
 */
public final class GlobalMemory {
    private static final long ALIGN = 256, GAP = 4096;
    private final TreeMap<Long, Allocation> live = new TreeMap<>();
    private final TreeMap<Long, Allocation> freed = new TreeMap<>();
    private long next = Space.GLOBAL_BASE;

    public Allocation allocate(long bytes, String what) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 64)
            throw new CudaException(what + ": cannot allocate " + bytes + " bytes (the emulator allocates 1 byte to 2 GiB)");
        Allocation a = new Allocation(next, (int) bytes, what);
        live.put(a.base, a);
        next = (next + bytes + GAP + ALIGN - 1) / ALIGN * ALIGN;
        return a;
    }

    public void free(long address) {
        Allocation a = live.remove(address);
        if (a == null) {
            Allocation inside = find(address);
            throw new CudaException("cuMemFree(0x" + Long.toHexString(address) + "): " + (inside != null
                    ? "not the start of an allocation (inside " + inside + ")"
                    : freed.containsKey(address) ? "already freed" : "not an address cuMemAlloc returned"));
        }
        a.freed = true;
        freed.put(a.base, a);
    }

    /** The live allocation holding {@code address}, or null. */
    public Allocation find(long address) {
        Map.Entry<Long, Allocation> e = live.floorEntry(address);
        return e != null && e.getValue().contains(address) ? e.getValue() : null;
    }

    /** The live allocation holding {@code [address, address + bytes)}; else a CudaException (host-side copies). */
    public Allocation require(long address, long bytes, String call) {
        Allocation a = find(address);
        if (a == null || address - a.base + bytes > a.size)
            throw new CudaException(call + ": [0x" + Long.toHexString(address) + ", +" + bytes + ") " + (a == null ? describe(address)
                    : "runs " + (address - a.base + bytes - a.size) + " bytes past the end of " + a));
        return a;
    }

    /** Why an address is not accessible: freed, past an allocation's end, or never allocated. */
    public String describe(long address) {
        Map.Entry<Long, Allocation> f = freed.floorEntry(address);
        Map.Entry<Long, Allocation> l = live.floorEntry(address);
        if (f != null && f.getValue().contains(address) && (l == null || l.getKey() < f.getKey()))
            return "is inside freed memory (" + f.getValue() + ", freed before the launch)";
        if (l != null) {
            long past = address - l.getValue().base - l.getValue().size;
            if (past < GAP) return "is " + past + " bytes past the end of " + l.getValue();
        }
        Map.Entry<Long, Allocation> above = live.ceilingEntry(address);
        if (above != null && above.getKey() - address <= GAP)
            return "is " + (above.getKey() - address) + " bytes before the start of " + above.getValue();
        return "is not in any allocation (never allocated)";
    }

    public int liveCount() {
        return live.size();
    }
}
