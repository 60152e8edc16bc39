package io.qvit.backend.cuda.emu.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Little-endian reads and writes of 1, 2, 4 and 8 bytes in a byte array. */
public final class Bytes {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Bytes() {}

    /** The {@code n} bytes at {@code offset}, zero-extended. */
    public static long get(byte[] a, int offset, int n) {
        return switch (n) {
            case 1 -> a[offset] & 0xffL;
            case 2 -> (short) SHORT.get(a, offset) & 0xffffL;
            case 4 -> (int) INT.get(a, offset) & 0xffffffffL;
            default -> (long) LONG.get(a, offset);
        };
    }

    public static void put(byte[] a, int offset, int n, long v) {
        switch (n) {
            case 1 -> a[offset] = (byte) v;
            case 2 -> SHORT.set(a, offset, (short) v);
            case 4 -> INT.set(a, offset, (int) v);
            default -> LONG.set(a, offset, v);
        }
    }
}
