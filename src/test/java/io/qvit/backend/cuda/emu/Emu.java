package io.qvit.backend.cuda.emu;

import io.qvit.backend.cuda.driver.CudaDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test helpers: the committed test kernels, and int/long buffers to and from an emulator. */
final class Emu {
    static final String KERNELS = "/io/qvit/backend/cuda/emu/kernels/";

    private Emu() {}

    static String ptx(String name) {
        try (InputStream in = Emu.class.getResourceAsStream(KERNELS + name)) {
            if (in == null) throw new IllegalStateException("no test kernel " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CudaDriver.Module module(CudaDriver d, String ptxFile) {
        return d.loadModule(ptxFile, ptx(ptxFile));
    }

    static long upload(CudaDriver d, int[] v) {
        long p = d.malloc(4L * v.length);
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        d.copyToDevice(p, b);
        return p;
    }

    static long upload(CudaDriver d, long[] v) {
        long p = d.malloc(8L * v.length);
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        d.copyToDevice(p, b);
        return p;
    }

    /** An output buffer filled with a poison pattern (so an element the kernel does not write shows). */
    static long poisoned(CudaDriver d, long bytes) {
        long p = d.malloc(bytes);
        d.memset(p, 0xA5, bytes);
        return p;
    }

    static int[] ints(CudaDriver d, long p, int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        d.copyToHost(b, p);
        int[] out = new int[n];
        b.asIntBuffer().get(out);
        return out;
    }

    static long[] longs(CudaDriver d, long p, int n) {
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        d.copyToHost(b, p);
        long[] out = new long[n];
        b.asLongBuffer().get(out);
        return out;
    }
}
