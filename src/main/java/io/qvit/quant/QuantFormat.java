package io.qvit.quant;

/**
 * Bit width and signedness of uniform codes. Symmetric codes are signed, {@code [-2^(b-1), 2^(b-1)-1]}
 * with zero point 0; asymmetric codes are unsigned, {@code [0, 2^b - 1]} with an integer zero point.
 */
public record QuantFormat(int bits, boolean symmetric) {
    public QuantFormat {
        if (bits < 2 || bits > 8) throw new IllegalArgumentException("bits must be 2..8, got " + bits);
    }

    public static QuantFormat symmetric(int bits) {
        return new QuantFormat(bits, true);
    }

    public static QuantFormat asymmetric(int bits) {
        return new QuantFormat(bits, false);
    }

    public int qmin() {
        return symmetric ? -(1 << (bits - 1)) : 0;
    }

    /** Largest code; also the divisor of the range in {@link QuantRules#scale}. */
    public int qmax() {
        return symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }
}
