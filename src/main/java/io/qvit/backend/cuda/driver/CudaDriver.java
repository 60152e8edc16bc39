package io.qvit.backend.cuda.driver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the CUDA backend's host layer needs from CUDA, and nothing more: modules from PTX text,
 * kernels by name, device memory, launches, synchronisation and events, on one device and one stream.
 * Two implementations: JCuda (a real GPU, through {@code libcuda.so.1}) and the PTX emulator (the
 * committed PTX executed on the CPU, with sanitizers). Device addresses are plain {@code long}s;
 * host data crosses as little-endian byte buffers.
 *
 * <p>Every failure is a {@link CudaException} that names the call (or kernel, grid and block) and the
 * error. Not thread-safe: one host thread drives a driver.
 */
public interface CudaDriver extends AutoCloseable {
    /** The device in words, for example {@code NVIDIA H100 80GB HBM3 (sm_90)} or {@code PTX emulator (sm_90, 2 threads)}. */
    String deviceName();

    /** The CUDA driver's version, for example {@code 13.0}, or {@code emulator}. */
    String driverVersion();

    /** The SM and memory clocks as the device reports them (MHz), or null where it reports none. */
    default String clocks() {
        return null;
    }

    /** What launches are checked against. */
    DeviceLimits limits();

    /** Loads PTX text; {@code name} (a file name) is what errors name. */
    Module loadModule(String name, String ptx);

    /** Allocates {@code bytes} of global memory (256-byte aligned, contents undefined). */
    long malloc(long bytes);

    /** Frees an address {@link #malloc} returned; freeing anything else is an error. */
    void free(long address);

    /** Copies {@code src}'s remaining bytes to {@code dst}; the buffer's position is not moved. */
    void copyToDevice(long dst, ByteBuffer src);

    /** Fills {@code dst}'s remaining bytes from {@code src}; the buffer's position is not moved. */
    void copyToHost(ByteBuffer dst, long src);

    /** Copies {@code bytes} from device address {@code src} to {@code dst}, on the stream (cuMemcpyDtoDAsync): the bandwidth yardstick. */
    void copy(long dst, long src, long bytes);

    /** Sets {@code bytes} bytes at {@code dst} to {@code value} (cuMemsetD8). */
    void memset(long dst, int value, long bytes);

    /** Launches on the driver's stream; returns when queued (the emulator: when done). */
    void launch(Kernel kernel, Dim3 grid, Dim3 block, int dynamicSharedBytes, KernelArgs args);

    /** Waits for everything queued; surfaces asynchronous errors. */
    void synchronize();

    /**
     * Starts recording the stream's work instead of running it (CUDA stream capture): launches and
     * memsets until {@link #endCapture} become a graph. Copies, synchronisation and events are errors
     * meanwhile, since the captured work has not run.
     */
    void beginCapture();

    /**
     * Stops recording and returns what was recorded as a graph to replay. Call it after a failed
     * recording too (then close the graph): the stream is usable again either way.
     */
    Graph endCapture();

    /** Records an event on the stream. */
    Event record();

    /** Milliseconds between two recorded events (the emulator measures host time: no meaning as GPU time). */
    float elapsedMillis(Event start, Event end);

    @Override
    void close();

    default long upload(float[] data) {
        long p = malloc(4L * data.length);
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        copyToDevice(p, b);
        return p;
    }

    default float[] downloadFloats(long src, int count) {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
        copyToHost(b, src);
        float[] out = new float[count];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** A loaded module. */
    interface Module {
        String name();

        /** The {@code .entry} of that name; an unknown name is a CudaException listing the module's entries. */
        Kernel kernel(String name);
    }

    /** A kernel entry of a module. */
    interface Kernel {
        String name();

        /** Opts in to more than 48 KiB of dynamic shared memory (cuFuncSetAttribute MAX_DYNAMIC_SHARED_SIZE_BYTES). */
        void setMaxDynamicSharedBytes(int bytes);
    }

    /** Captured stream work: each launch replays it, in order, on the stream. */
    interface Graph extends AutoCloseable {
        /** Queues one replay; returns when queued (the emulator: when done). */
        void launch();

        @Override
        void close();
    }

    /** A recorded point on the stream. */
    interface Event {}
}
