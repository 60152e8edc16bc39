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
// version 1 (kept): one block per row, the row staged in dynamic shared memory (4K bytes).
#include <stdint.h>
#include "qvit_common.cuh"

#define QR_THREADS 256
#define QR_MIN_SCALE 1.1920929e-07f // 2^-23, QuantRules.MIN_SCALE

__device__ __forceinline__ float block_reduce(float v, bool is_max, float* scratch) {
    v = is_max ? warp_max(v) : warp_min(v);
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = scratch[0];
    for (int w = 1; w < QR_THREADS / 32; w++) v = is_max ? fmaxf(v, scratch[w]) : fminf(v, scratch[w]);
    __syncthreads(); // scratch is reused by the next reduction
    return v;
}

// rotate_block: 0 for no rotation, else the Hadamard block (a power of two dividing K); norm = 1/sqrt(block) as fp32.
// Each row's scale and zero point are written: its own min-max ones when dynamic, else the fixed ones.
// A NaN or infinite input sets *nonfinite to 1 (the host checks it once per forward: the CPU twin throws).
extern "C" __global__ void __launch_bounds__(QR_THREADS)
quantize_rows_kernel1(const float* __restrict__ x, int per_line, int ld, const float* __restrict__ divisors,
                      int rotate_block, float norm, int M, int K, int bits, int nibbles, int dynamic, float fixed_scale,
                      int fixed_zero_point, float* __restrict__ scale, int* __restrict__ zero_point, uint8_t* __restrict__ codes,
                      int* __restrict__ nonfinite) {
    extern __shared__ float row[]; // [K]
    __shared__ float scratch[QR_THREADS / 32];
    int r = blockIdx.x;
    if (r >= M) return;
    const float* src = x + (size_t)(r / per_line) * ld + (r % per_line) * K;
    for (int j = threadIdx.x; j < K; j += QR_THREADS) {
        float v = src[j];
        if (!isfinite(v)) *nonfinite = 1;
        row[j] = divisors ? __fdiv_rn(v, divisors[j]) : v;
    }
    __syncthreads();
    if (rotate_block > 1) {
        for (int h = 1; h < rotate_block; h <<= 1) {
            for (int p = threadIdx.x; p < K / 2; p += QR_THREADS) {
                int half = rotate_block / 2, first = (p / half) * rotate_block, jp = p % half;
                int i = first + (jp / h) * 2 * h + jp % h;
                float u = row[i], v = row[i + h];
                row[i] = __fadd_rn(u, v);
                row[i + h] = __fsub_rn(u, v);
            }
            __syncthreads();
        }
        for (int j = threadIdx.x; j < K; j += QR_THREADS) row[j] = __fmul_rn(row[j], norm);
        __syncthreads();
    }
    int qmax = (1 << bits) - 1;
    float s;
    int z;
    if (dynamic) {
        float lo = INFINITY, hi = -INFINITY;
        for (int j = threadIdx.x; j < K; j += QR_THREADS) {
            lo = fminf(lo, row[j]);
            hi = fmaxf(hi, row[j]);
        }
        lo = block_reduce(lo, false, scratch);
        hi = block_reduce(hi, true, scratch);
        // QuantRules.scale and zeroPoint for an asymmetric format
        s = fmaxf(__fdiv_rn(__fsub_rn(fmaxf(hi, 0.f), fminf(lo, 0.f)), (float)qmax), QR_MIN_SCALE);
        z = (int)fminf(fmaxf(rintf(__fdiv_rn(-fminf(lo, 0.f), s)), 0.f), (float)qmax);
    } else {
        s = fixed_scale;
        z = fixed_zero_point;
    }
    if (threadIdx.x == 0) {
        scale[r] = s;
        zero_point[r] = z;
    }
    // QuantRules.quantize: clamp(rint(x / s) + z, 0, qmax)
#define QR_CODE(v) ((uint32_t)fminf(fmaxf(__fadd_rn(rintf(__fdiv_rn((v), s)), (float)z), 0.f), (float)qmax))
    if (nibbles) {
        int bytes = K / 2;
        uint8_t* out = codes + (size_t)r * bytes;
        for (int i = threadIdx.x; i < bytes; i += QR_THREADS) {
            uint32_t lo = QR_CODE(row[2 * i]), hi = QR_CODE(row[2 * i + 1]);
            out[i] = (uint8_t)(lo | (hi << 4));
        }
    } else {
        uint8_t* out = codes + (size_t)r * K;
        for (int j = threadIdx.x; j < K; j += QR_THREADS) out[j] = (uint8_t)QR_CODE(row[j]);
    }
#undef QR_CODE
}
