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
}
