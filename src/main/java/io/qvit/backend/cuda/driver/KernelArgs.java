package io.qvit.backend.cuda.driver;

import java.util.ArrayList;
import java.util.List;

/** A kernel's arguments in its parameter order, each with its PTX size, so a driver can check them against the entry's {@code .param}s. */
public final class KernelArgs {
    /** One argument: its bytes (little-endian) and what it is, for messages. */
    public record Arg(String kind, byte[] bytes) {}

    private final List<Arg> args = new ArrayList<>();

    public KernelArgs pointer(long address) {
        return add("pointer", address, 8);
    }

    public KernelArgs i32(int v) {
        return add("i32", v, 4);
    }

    public KernelArgs i64(long v) {
        return add("i64", v, 8);
    }

    public KernelArgs f32(float v) {
        return add("f32", Float.floatToRawIntBits(v), 4);
    }

    public List<Arg> list() {
        return List.copyOf(args);
    }

    private KernelArgs add(String kind, long v, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) b[i] = (byte) (v >>> (8 * i));
        args.add(new Arg(kind, b));
        return this;
    }
}
