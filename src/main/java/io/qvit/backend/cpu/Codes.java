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
