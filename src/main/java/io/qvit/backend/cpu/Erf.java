package io.qvit.backend.cpu;

/**
 * erf, erfc and the exact GELU, evaluated in double with W. J. Cody's rational Chebyshev
 * approximations ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969;
 * relative error below 1e-16 on each interval), so the float results are correctly rounded but for
 * rare double-rounding ties. Java has no erf; float-only approximations lose digits in the tails.
 */
final class Erf {
    private Erf() {}

    private static final double INV_SQRT2 = 0.70710678118654752440;
    private static final double INV_SQRT_PI = 0.56418958354775628695;

    // |x| <= 0.5: erf(x) = x * A(x^2) / B(x^2)
    private static final double[] A = {1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
            3.77485237685302021e02, 3.20937758913846947e03};
    private static final double[] B = {1, 2.36012909523441209e01, 2.44024637934444173e02,
            1.28261652607737228e03, 2.84423683343917062e03};
    // 0.5 < |x| <= 4: erfc(x) = exp(-x^2) * C(x) / D(x)
    private static final double[] C = {2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
            6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
            2.05107837782607147e03, 1.23033935479799725e03};
    private static final double[] D = {1, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
            1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
            1.23033935480374942e03};
    // |x| > 4: erfc(x) = exp(-x^2) / x * (1/sqrt(pi) - z P(z) / Q(z)), z = 1/x^2
    private static final double[] P = {1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
            1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4};
    private static final double[] Q = {1, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
            6.05183413124413191e-2, 2.33520497626869185e-3};

    static float erf(float x) {
        return (float) erf((double) x);
    }

    static double erf(double x) {
        double y = Math.abs(x);
        if (y <= 0.5) return x * poly(A, x * x) / poly(B, x * x);
        double r = 1 - erfcPositive(y);
        return x < 0 ? -r : r;
    }

    static double erfc(double x) {
        double y = Math.abs(x);
        if (y <= 0.5) return 1 - erf(x);
        double r = erfcPositive(y);
        return x < 0 ? 2 - r : r;
    }

    /** GELU as 0.5 x erfc(-x/sqrt 2), equal to 0.5 x (1 + erf(x/sqrt 2)) but without its cancellation for x << 0. */
    static float gelu(float x) {
        return (float) (0.5 * x * erfc(-x * INV_SQRT2));
    }

    private static double erfcPositive(double y) {
        if (y > 27) return 0; // below the smallest double
        double e = Math.exp(-y * y);
        if (y <= 4) return e * poly(C, y) / poly(D, y);
        double z = 1 / (y * y);
        return e / y * (INV_SQRT_PI - z * poly(P, z) / poly(Q, z));
    }

    /** Horner, coefficients highest degree first. */
    private static double poly(double[] c, double x) {
        double s = c[0];
        for (int i = 1; i < c.length; i++) s = s * x + c[i];
        return s;
    }
}
