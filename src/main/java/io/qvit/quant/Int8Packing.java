package io.qvit.quant;

/**
 * One code of 5 to 8 bits per byte, row-major [rows, K] with no padding: signed codes as 8-bit two's
 * complement, unsigned ones as 0..255 (read back with {@code & 0xFF}).
 */
public final class Int8Packing {
    private Int8Packing() {}

    public static byte[] pack(int[] codes) {
        byte[] out = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) out[i] = (byte) codes[i];
        return out;
    }

    public static void unpackRow(byte[] packed, int r, int k, boolean signed, int[] dst) {
        for (int c = 0; c < k; c++) {
            byte b = packed[r * k + c];
            dst[c] = signed ? b : b & 0xFF;
        }
    }
}
