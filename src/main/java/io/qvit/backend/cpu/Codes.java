package io.qvit.backend.cpu;

import io.qvit.backend.ElementType;
import io.qvit.quant.Int4Packing;
import io.qvit.quant.Int8Packing;

/** Reading and writing packed code rows of the code element types. */
final class Codes {
    private Codes() {}

    static boolean packed4(ElementType type) {
        return type == ElementType.U4 || type == ElementType.I4;
    }

    static boolean signed(ElementType type) {
        return type == ElementType.I4 || type == ElementType.I8;
    }

    static int rowBytes(ElementType type, int k) {
        return packed4(type) ? Int4Packing.rowBytes(k) : k;
    }

    /** Row r's k codes into dst[0..k). */
    static void unpackRow(byte[] data, ElementType type, int r, int k, int[] dst) {
        if (packed4(type)) Int4Packing.unpackRow(data, r, k, signed(type), dst);
        else Int8Packing.unpackRow(data, r, k, signed(type), dst);
    }

    /**
     * Row r's codes minus {@code zero} as floats into {@code dst[off..off+k)} (small integers, exact);
     * returns the sum of their magnitudes, in double.
     */
    static double centredRow(byte[] data, ElementType type, int r, int k, int zero, float[] dst, int off) {
        double abs = 0;
        boolean signed = signed(type);
        if (packed4(type)) {
            int base = r * Int4Packing.rowBytes(k);
            for (int c = 0; c < k; c++) {
                int nibble = (data[base + (c >> 1)] >> ((c & 1) << 2)) & 0xF;
                int q = signed ? (nibble << 28) >> 28 : nibble;
                float v = q - zero;
                dst[off + c] = v;
                abs += Math.abs(v);
            }
        } else {
            int base = r * k;
            for (int c = 0; c < k; c++) {
                byte b = data[base + c];
                float v = (signed ? b : b & 0xFF) - zero;
                dst[off + c] = v;
                abs += Math.abs(v);
            }
        }
        return abs;
    }

    /** Writes code q (within its type's range) as element c of row r. */
    static void put(byte[] data, ElementType type, int r, int k, int c, int q) {
        if (packed4(type)) {
            int i = r * Int4Packing.rowBytes(k) + (c >> 1);
            int nibble = q & 0xF;
            data[i] = (byte) ((c & 1) == 0 ? (data[i] & 0xF0) | nibble : (data[i] & 0x0F) | (nibble << 4));
        } else {
            data[r * k + c] = (byte) q;
        }
    }
}
