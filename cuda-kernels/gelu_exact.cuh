// The exact GELU the CPU twin computes, for the kernels that apply it (gelu, gemm_int's epilogue).
#pragma once

// Exact (erf) GELU, torch.nn.GELU(), computed as the CPU twin computes it (Erf.gelu: 0.5 x erfc(-x/sqrt 2)
// in double with W. J. Cody's rationals and the CPU's own exp), operation for operation, so the result
// is bit-identical to the CPU's: every step is an IEEE double operation (fma where the CPU calls
// Math.fma, separate multiply and add where it does not), and the final rounding to float is the same.
namespace qvit_erf {
__device__ __constant__ double C[9] = {2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
    6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
    2.05107837782607147e03, 1.23033935479799725e03};
__device__ __constant__ double D[9] = {1, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
    1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
    1.23033935480374942e03};
__device__ __constant__ double P[6] = {1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
    1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4};
__device__ __constant__ double Q[6] = {1, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
    6.05183413124413191e-2, 2.33520497626869185e-3};
__device__ __constant__ double EXP_POLY[10] = {1 / 362880.0, 1 / 40320.0, 1 / 5040.0, 1 / 720.0, 1 / 120.0, 1 / 24.0,
    1 / 6.0, 0.5, 1, 1};

__device__ __forceinline__ double poly(const double* c, int n, double x) {
    double s = c[0];
    for (int i = 1; i < n; i++) s = __fma_rn(s, x, c[i]);
    return s;
}

// Erf.exp: 2^n e^r with the CPU's constants, for x <= 0
__device__ __forceinline__ double exp_neg(double x) {
    x = fmax(x, -708.0);
    double n = __dsub_rn(__dadd_rn(__dmul_rn(x, 1.4426950408889634), 6755399441055744.0), 6755399441055744.0);
    double r = __fma_rn(n, -6.93147180369123816490e-01, x);
    r = __fma_rn(n, -1.90821492927058770002e-10, r);
    double pow2 = __longlong_as_double(__double_as_longlong(__dadd_rn(n, 4503599627370496.0 + 1023)) << 52);
    return __dmul_rn(poly(EXP_POLY, 10, r), pow2);
}

// Erf.erfcTail: erfc(y) for y >= 0
__device__ __forceinline__ double erfc_tail(double y) {
    double e = exp_neg(-__dmul_rn(y, y));
    if (y <= 4) return __dmul_rn(e, __ddiv_rn(poly(C, 9, y), poly(D, 9, y)));
    double t = __ddiv_rn(1.0, y), w = __dmul_rn(t, t);
    return __dmul_rn(__dmul_rn(e, t), __dsub_rn(0.56418958354775628695, __dmul_rn(w, __ddiv_rn(poly(P, 6, w), poly(Q, 6, w)))));
}
} // namespace qvit_erf

__device__ __forceinline__ float gelu_erf(float x) {
    double u = __dmul_rn((double)(-x), 0.70710678118654752440);
    double r = qvit_erf::erfc_tail(fabs(u));
    return (float)__dmul_rn(__dmul_rn(0.5, (double)x), u < 0 ? __dsub_rn(2.0, r) : r);
}
