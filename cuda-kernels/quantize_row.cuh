// The row quantization shared by quantize_rows and layernorm_quantize: one block of QR_THREADS per
// row, the row staged in shared memory (after its division, when there are divisors), then rotated,
// ranged, quantized and packed. Each step is the CPU twin's fp32 operation in its order (RowQuantizer:
// IEEE division, the butterfly's pairwise sums, rint), so the codes are bit-identical.
#pragma once
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

// Row r, staged in row[K] (synchronised), to its codes, scale and zero point. rotate_block: 0 for no
// rotation, else the Hadamard block (a power of two dividing K); norm = 1/sqrt(block) as fp32. Each
// row's scale and zero point are written: its own min-max ones when dynamic, else the fixed ones.
__device__ __forceinline__ void quantize_staged_row(float* row, int r, int K, int rotate_block, float norm, int bits, int nibbles,
                                                    int dynamic, float fixed_scale, int fixed_zero_point, float* __restrict__ scale,
                                                    int* __restrict__ zero_point, uint8_t* __restrict__ codes) {
    __shared__ float scratch[QR_THREADS / 32];
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
