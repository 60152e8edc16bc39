package io.qvit.backend.cuda;

import io.qvit.backend.cuda.driver.CudaDriver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Device memory reused across forwards: a released buffer goes back to a free list of its size class
 * (powers of two from 256 bytes), and the next request of that class takes it instead of a new
 * allocation, since cuMemAlloc synchronises the device. Closing the pool frees everything it holds.
 *
 * <p>While a graph is recorded the pool notes every buffer handed out or given back: a graph replays
 * on those addresses, so the ones free at the end are held for it ({@link #stopRecording}).
 */
public final class DevicePool implements AutoCloseable {
    private static final long MIN_CLASS = 256;

    private final CudaDriver driver;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Map<Long, Long> sizeOf = new HashMap<>(); // every live allocation, by address
    private long inUse;
    private Set<Long> recorded; // addresses handed out or given back while a graph is recorded, or null

    public DevicePool(CudaDriver driver) {
        this.driver = driver;
    }

    public CudaDriver driver() {
        return driver;
    }

    /** A buffer of at least {@code bytes}; close it to give it back. */
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("device buffers hold at least one byte, asked for " + bytes);
        long size = sizeClass(bytes);
        ArrayDeque<Long> list = free.get(size);
        long address = list == null || list.isEmpty() ? fresh(size) : list.pop();
        inUse += size;
        if (recorded != null) recorded.add(address);
        return new DeviceBuffer(this, address, bytes);
    }

    /** Bytes handed out and not yet given back (rounded to size classes). */
    public long bytesInUse() {
        return inUse;
    }

    /** Bytes allocated from the device, in use or cached. */
    public long bytesReserved() {
        long total = 0;
        for (long s : sizeOf.values()) total += s;
        return total;
    }

    /** Starts noting the buffers a graph being recorded uses. */
    void startRecording() {
        if (recorded != null) throw new IllegalStateException("the pool is already recording a graph");
        recorded = new HashSet<>();
    }

    /** Stops noting; returns, as buffers in use, those the graph used that are free now: close them when the graph is gone. */
    List<DeviceBuffer> stopRecording() {
        List<DeviceBuffer> held = new ArrayList<>();
        for (long address : recorded) {
            long size = sizeOf.get(address);
            ArrayDeque<Long> list = free.get(size);
            if (list != null && list.remove(address)) {
                inUse += size;
                held.add(new DeviceBuffer(this, address, size));
            }
        }
        recorded = null;
        return held;
    }

    void release(long address) {
        if (recorded != null) recorded.add(address);
        long size = sizeOf.get(address);
        inUse -= size;
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    }

    private long fresh(long size) {
        long address = driver.malloc(size);
        sizeOf.put(address, size);
        return address;
    }

    static long sizeClass(long bytes) {
        return bytes <= MIN_CLASS ? MIN_CLASS : Long.highestOneBit(bytes - 1) << 1;
    }

    @Override
    public void close() {
        for (long address : sizeOf.keySet()) driver.free(address);
        sizeOf.clear();
        free.clear();
        inUse = 0;
    }
}
