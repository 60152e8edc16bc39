package io.qvit.backend.cpu;

/**
 * erf, erfc and the exact GELU, evaluated in double with W. J. Cody's rational Chebyshev
 * approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969;
 * relative error below 1e-16 on each interval), so float results are correctly rounded but for rare
 * double-rounding ties. Java has no erf; float-only approximations lose digits in the tails.
 *
 * <p>{@link VectorKernels#gelu} evaluates the same formulas in the same order on double lanes, so the
 * two give the same bits; keep them in step.
 */
final class Erf {
    private Erf() {}

    static final double INV_SQRT2 = 0.70710678118654752440;
    static final double INV_SQRT_PI = 0.56418958354775628695;
    static final double SMALL = 0.5; // |x| <= SMALL: erf = x A(x^2) / B(x^2)
    static final double LARGE = 4;   // SMALL < |x| <= LARGE: erfc = exp(-x^2) C(x) / D(x); beyond, the asymptotic form

    // Coefficients highest degree first, for Horner.
    static final double[] A = {1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
            3.77485237685302021e02, 3.20937758913846947e03};
    static final double[] B = {1, 2.36012909523441209e01, 2.44024637934444173e02,
            1.28261652607737228e03, 2.84423683343917062e03};
    static final double[] C = {2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
            6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
            2.05107837782607147e03, 1.23033935479799725e03};
    static final double[] D = {1, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
            1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
            1.23033935480374942e03};
    // |x| > LARGE: erfc(x) = exp(-x^2) / x * (1/sqrt(pi) - w P(w) / Q(w)), w = 1/x^2
    static final double[] P = {1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
            1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4};
    static final double[] Q = {1, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
            6.05183413124413191e-2, 2.33520497626869185e-3};

    static float erf(float x) {
        return (float) erf((double) x);
    }

    static double erf(double x) {
        if (Math.abs(x) <= SMALL) return x * (poly(A, x * x) / poly(B, x * x));
        double r = 1 - erfcTail(Math.abs(x));
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= SMALL) return 1 - x * (poly(A, x * x) / poly(B, x * x));
        double r = erfcTail(y);
        return x < 0 ? 2 - r : r;
    }

    /**
     * GELU as 0.5 x erfc(u), u = -x/sqrt 2: equal to 0.5 x (1 + erf(x/sqrt 2)) without its cancellation
     * for x << 0. erfc here skips the small-argument interval: Cody's exp(-y^2) C(y)/D(y) is still good
     * to 5e-12 relative for y in [0, 0.5] (checked against math.erfc), and one interval fewer is 20% of
     * the vector twin's work.
     */
    static float gelu(float x) {
        double u = -x * INV_SQRT2;
        double r = erfcTail(Math.abs(u));
        return (float) (0.5 * x * (u < 0 ? 2 - r : r));
    }

    /** erfc(y) for y >= 0 (used above SMALL except by GELU). Each rational is one division, as in the vector twin. */
    private static double erfcTail(double y) {
        double e = exp(-y * y);
        if (y <= LARGE) return e * (poly(C, y) / poly(D, y));
        double t = 1 / y, w = t * t;
        return e * t * (INV_SQRT_PI - w * (poly(P, w) / poly(Q, w)));
    }

    static double poly(double[] c, double x) {
        double s = c[0];
        for (int i = 1; i < c.length; i++) s = Math.fma(s, x, c[i]);
        return s;
    }

    // exp for x <= 0 (here -y^2): 2^n e^r, |r| <= ln2/2, Taylor to degree 9 (truncation 7e-12, far below
    // float's 6e-8). Our own rather than Math.exp so that the vector twin can match it bit for bit.
    static final double EXP_MIN = -708; // e^x stays normal; erfc there is ~1e-309, below float anyway
    static final double LOG2E = 1.4426950408889634;
    static final double LN2_HI = 6.93147180369123816490e-01; // n * LN2_HI is exact
    static final double LN2_LO = 1.90821492927058770002e-10;
    static final double ROUNDER = 6755399441055744.0; // 1.5 * 2^52
    static final double POW2_BIAS = 4503599627370496.0 + 1023; // 2^52 + 1023: low bits of n + this are n's biased exponent
    static final double[] EXP_POLY = {1 / 362880.0, 1 / 40320.0, 1 / 5040.0, 1 / 720.0, 1 / 120.0, 1 / 24.0,
            1 / 6.0, 0.5, 1, 1};

    static double exp(double x) {
        x = Math.max(x, EXP_MIN);
        double n = (x * LOG2E + ROUNDER) - ROUNDER;
        double r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        return poly(EXP_POLY, r) * Double.longBitsToDouble(Double.doubleToRawLongBits(n + POW2_BIAS) << 52);
    }
}
