package io.qvit.backend.cuda.emu.semantics;

/** The IEEE binary formats PTX rounds into, described by their exponent and fraction widths. */
enum BinaryFormat {
    F16(5, 10), BF16(8, 7), F32(8, 23), F64(11, 52);

    final int fracBits;
    /** Significand bits including the hidden one. */
    final int precision;
    final int bias;
    /** Exponent of the smallest normal and of the largest finite value. */
    final int emin;
    final int emax;
    final long signBit;
    final long infinity;

    BinaryFormat(int expBits, int fracBits) {
        this.fracBits = fracBits;
        this.precision = fracBits + 1;
        this.bias = (1 << (expBits - 1)) - 1;
        this.emin = 1 - bias;
        this.emax = bias;
        this.signBit = 1L << (expBits + fracBits);
        this.infinity = ((1L << expBits) - 1) << fracBits;
    }

    long maxFinite() {
        return infinity - 1;
    }

    /** The result of an overflow in a rounding direction: infinity, or the largest finite value where the direction points back to zero. */
    long overflow(boolean negative, Rounding r) {
        boolean toInfinity = switch (r) {
            case RN -> true;
            case RZ -> false;
            case RP -> !negative;
            case RM -> negative;
            default -> throw new IllegalArgumentException("not a floating-point rounding: " + r);
        };
        return (negative ? signBit : 0) | (toInfinity ? infinity : maxFinite());
    }
}
