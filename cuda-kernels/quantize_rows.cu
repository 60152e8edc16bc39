// quantize_rows: the codes of a layer's input x[M,K] as the integer GEMM takes them: each row divided
// by the smoothing divisors (if any), rotated by the block-diagonal Walsh-Hadamard transform (if
// any), then quantized to asymmetric unsigned codes with the row's own min-max range (dynamic), or
// with one given scale and zero point (static), and packed (two per byte at <= 4 bits, element 2i in
// the low nibble). CPU twin: InputTransform.apply, QuantParams.minMax (per row) and
// UniformQuantizer.quantize + PackedCodes.pack; every step is the same fp32 operation in the same
// order (IEEE division, the butterfly's pairwise sums, rint), so the codes are bit-identical.
//
// Rows may be slices of wider lines: row r starts at x + (r / per_line) * ld + (r % per_line) * K, so
// the heads of Q, K and V are quantized straight out of qkv (per_line = heads, ld = 3D). Codes are
// packed two per byte when nibbles is 1 (K even), else one per byte.
//
// version 1 (kept): one block per row, the row staged in dynamic shared memory (4K bytes); the steps
// after the staging are quantize_row.cuh's, shared with layernorm_quantize.
#include "quantize_row.cuh"

// A NaN or infinite input sets *nonfinite to 1 (the host checks it once per forward: the CPU twin throws).
extern "C" __global__ void __launch_bounds__(QR_THREADS)
quantize_rows_kernel1(const float* __restrict__ x, int per_line, int ld, const float* __restrict__ divisors,
                      int rotate_block, float norm, int M, int K, int bits, int nibbles, int dynamic, float fixed_scale,
                      int fixed_zero_point, float* __restrict__ scale, int* __restrict__ zero_point, uint8_t* __restrict__ codes,
                      int* __restrict__ nonfinite) {
    extern __shared__ float row[]; // [K]
    int r = blockIdx.x;
    if (r >= M) return;
    const float* src = x + (size_t)(r / per_line) * ld + (r % per_line) * K;
    for (int j = threadIdx.x; j < K; j += QR_THREADS) {
        float v = src[j];
        if (!isfinite(v)) *nonfinite = 1;
        row[j] = divisors ? __fdiv_rn(v, divisors[j]) : v;
    }
    __syncthreads();
    quantize_staged_row(row, r, K, rotate_block, norm, bits, nibbles, dynamic, fixed_scale, fixed_zero_point, scale, zero_point, codes);
}
