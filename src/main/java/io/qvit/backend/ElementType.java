package io.qvit.backend;

/**
 * What a tensor's elements are. Codes of at most 4 bits are packed two per byte along the last
 * dimension ({@link io.qvit.quant.Int4Packing}: element 2i in the low nibble), codes of 5 to 8 bits
 * one per byte; the shape counts codes, not bytes.
 */
public enum ElementType {
    F32,
    I32,
    /** Unsigned codes of 5 to 8 bits, one per byte. */
    U8,
    /** Signed codes of 5 to 8 bits, one per byte (two's complement). */
    I8,
    /** Unsigned codes of 2 to 4 bits, two per byte. */
    U4,
    /** Signed codes of 2 to 4 bits, two per byte (4-bit two's complement). */
    I4;

    /** The type that stores codes of a format. */
    public static ElementType codes(io.qvit.quant.QuantFormat format) {
        if (format.bits() <= 4) return format.symmetric() ? I4 : U4;
        return format.symmetric() ? I8 : U8;
    }
}
