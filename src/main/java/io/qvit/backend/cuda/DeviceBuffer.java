package io.qvit.backend.cuda;

/** Device memory from a {@link DevicePool}; closing it returns it to the pool (twice is an error). */
public final class DeviceBuffer implements AutoCloseable {
    private final DevicePool pool;
    private final long address;
    private final long bytes;
    private boolean closed;

    DeviceBuffer(DevicePool pool, long address, long bytes) {
        this.pool = pool;
        this.address = address;
        this.bytes = bytes;
    }

    public long address() {
        if (closed) throw new IllegalStateException("device buffer of " + bytes + " bytes used after close");
        return address;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (closed) throw new IllegalStateException("device buffer of " + bytes + " bytes closed twice");
        closed = true;
        pool.release(address);
    }
}
