// layernorm_quantize: the codes of LayerNorm(x) [M,K] for the inputs of qkv and fc1, as quantize_rows
// makes them of layernorm's output, with x read once and no fp32 LayerNorm output in memory. Each row's
// LayerNorm is computed as layernorm_kernel2 computes it (the CPU twin's double sums in its order: four
// interleaved partial sums, element j into sum j mod 4, the tail into sum 0, combined as
// (s0 + s1) + (s2 + s3); the normalisation in fp32 without fused multiply-add), staged in shared
// memory, divided by the smoothing divisors (if any), then rotated, ranged, quantized and packed by
// quantize_row.cuh. CPU twin: CpuBackend.layerNormQuantizeRows (LayerNorm.row, then RowQuantizer),
// bit-identical to layernorm then quantize_rows.
//
// version 1 (kept): one block per row, as quantize_rows; lanes 0-3 take the four partial sums in
// element order (the order fixes the bits) while the block waits, the row already in shared memory.
#include "quantize_row.cuh"

// A NaN or infinite LayerNorm output sets *nonfinite to 1, as quantize_rows flags its input.
extern "C" __global__ void __launch_bounds__(QR_THREADS)
layernorm_quantize_kernel1(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                           const float* __restrict__ divisors, int rotate_block, float norm, int M, int K, int bits, int nibbles,
                           int dynamic, float fixed_scale, int fixed_zero_point, float* __restrict__ scale,
                           int* __restrict__ zero_point, uint8_t* __restrict__ codes, int* __restrict__ nonfinite) {
    extern __shared__ float row[]; // [K]
    __shared__ double part[4];
    int r = blockIdx.x;
    if (r >= M) return;
    const float* src = x + (size_t)r * K;
    for (int j = threadIdx.x; j < K; j += QR_THREADS) row[j] = src[j];
    __syncthreads();
    int body = K - K % 4;
    if (threadIdx.x < 4) {
        double s = 0;
        for (int j = threadIdx.x; j < body; j += 4) s = __dadd_rn(s, (double)row[j]);
        if (threadIdx.x == 0)
            for (int j = body; j < K; j++) s = __dadd_rn(s, (double)row[j]);
        part[threadIdx.x] = s;
    }
    __syncthreads();
    double mean = __ddiv_rn(__dadd_rn(__dadd_rn(part[0], part[1]), __dadd_rn(part[2], part[3])), (double)K);
    __syncthreads(); // part is reused for the variance
    if (threadIdx.x < 4) {
        double v = 0;
        for (int j = threadIdx.x; j < body; j += 4) {
            double c = __dsub_rn((double)row[j], mean);
            v = __dadd_rn(v, __dmul_rn(c, c));
        }
        if (threadIdx.x == 0)
            for (int j = body; j < K; j++) {
                double c = __dsub_rn((double)row[j], mean);
                v = __dadd_rn(v, __dmul_rn(c, c));
            }
        part[threadIdx.x] = v;
    }
    __syncthreads();
    double var = __dadd_rn(__dadd_rn(part[0], part[1]), __dadd_rn(part[2], part[3]));
    float m = (float)mean;
    float rstd = (float)__ddiv_rn(1.0, __dsqrt_rn(__dadd_rn(__ddiv_rn(var, (double)K), (double)eps)));
    for (int j = threadIdx.x; j < K; j += QR_THREADS) {
        float v = __fadd_rn(__fmul_rn(__fmul_rn(__fsub_rn(row[j], m), rstd), gamma[j]), beta[j]);
        if (!isfinite(v)) *nonfinite = 1;
        row[j] = divisors ? __fdiv_rn(v, divisors[j]) : v;
    }
    __syncthreads();
    quantize_staged_row(row, r, K, rotate_block, norm, bits, nibbles, dynamic, fixed_scale, fixed_zero_point, scale, zero_point, codes);
}
