package io.qvit.backend.cpu;

/**
 * {@code (float) Math.exp(x)} bit for bit, for float x <= 0, from an approximation of e^x in double
 * ({@link Kernels#expApproximate}). A double rounds to a float by its low 29 mantissa bits. Over
 * every float in {@code [-87.3, 0]} the approximation and Math.exp differ by less than 2^18 double
 * ulps (FloatExpTest checks a sample; the whole range was checked once), so where the approximation
 * lies farther than that from a rounding midpoint, both round to the same float. Near a midpoint
 * (about one element in a thousand), and below -87.3, where the floats are subnormal, Math.exp itself.
 */
final class FloatExp {
    /** e^x is a normal float from here up. */
    static final float NORMAL_FROM = -87.3f;
    /** e^x < 2^-150 up to here: float zero, whatever Math.exp's last-bit error. */
    static final float ZERO_UP_TO = -104f;
    static final long MARGIN = 1L << 18;
    /** The double bits that rounding to float drops, and their midpoint. */
    static final long LOW_BITS = (1L << 29) - 1, MIDPOINT = 1L << 28;

    private FloatExp() {}

    /** {@code (float) Math.exp(x)}, given {@code approximation} of e^x within {@link #MARGIN} double ulps of Math.exp's. */
    static float of(float x, double approximation) {
        if (x >= NORMAL_FROM) {
            if (Math.abs((Double.doubleToRawLongBits(approximation) & LOW_BITS) - MIDPOINT) > MARGIN) return (float) approximation;
        } else if (x <= ZERO_UP_TO) {
            return 0f;
        }
        return (float) Math.exp(x);
    }
}
