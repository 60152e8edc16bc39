// attention_int: the quantized attention core of a block, on codes. CPU twin: the integer path's
// attention (IntegerAttention: Q, K per-row codes, V per-tensor codes, log-sqrt(2) probability codes
// per row). Inputs are the codes quantize_rows wrote, one byte each, rows (image, token, head) of hd:
// q, k with each row's scale and zero point, v with one scale and zero point. Per query row:
//   s_j   = ((float) sum_c (q_c - zq)(k_jc - zk_j) * (sq * sk_j)) * scale            (int32 sums, fp32 steps)
//   p_j   = (float) exp((double)(s_j - max)) * (float)(1 / sum_j e_j), the sum in double, j ascending
//   p'_j  = the log2 (base sqrt(2) or 2) value of p_j's code at the row's scale max_j p_j
//   out_c = sv * sum_j p'_j * (v_jc - zv), fp32 multiply-then-add in j order, zero weights skipped
// which are the CPU's operations in the CPU's order: scores, codes and outputs are bit-identical but
// for exp, whose double result may differ from Java's correctly rounded one in the last double bit.
//
// version 1: one warp per query row, 4 per block, each lane a whole scalar dot product per key.
// version 2 (kept): 16 query rows per block of 4 warps; the scores' integer sums on tensor cores
// (mma.sync m16n8k32 u8 x u8 -> s32, sum q k, with the zero points taken out exactly by the row sums of
// the codes: sum (q - zq)(k - zk) = sum q k - zk sum q - zq sum k + hd zq zk, in int32, exact), each
// warp one 8-key tile at a time; then each warp takes 4 of the rows through softmax, codes and P.V as
// version 1 did. The scores are the same integers, so the kernel stays bit-identical.
//
// AI_STAGES (3, all of them, unless defined otherwise) ends the kernel after stage 1 (the scores) or 2
// (softmax and probability codes): AttentionStages compiles those variants to count each stage on the
// emulator as the difference between consecutive variants.
#include <stdint.h>
#include "qvit_common.cuh"

#ifndef AI_STAGES
#define AI_STAGES 3
#endif

#define AI_ROWS 16 // query rows per block: the mma tile
#define AI_WARPS 4
#define AI_MAX_HD 128
#define AI_MIN_SCALE 1.1920929e-07f // QuantRules.MIN_SCALE
// QuantRules' log2 thresholds: the smallest floats at or above 2^(1/4), 2^(1/2), 2^(3/4); fp32 nearest 2^-1/2
#define AI_ROOT4_2 __int_as_float(0x3f9837f1)
#define AI_SQRT_2 __int_as_float(0x3fb504f4)
#define AI_ROOT4_8 __int_as_float(0x3fd744fd)
#define AI_INV_SQRT_2 __int_as_float(0x3f3504f3)

// QuantRules.log2Code then log2Value: the dequantized probability.
__device__ __forceinline__ float log2_fake_quant(float p, float s, int sqrt2, int qmax) {
    float r = __fdiv_rn(p, s);
    int code;
    if (r >= 1.f) code = 0;
    else if (r == 0.f) code = qmax;
    else {
        int e;
        double m = 2.0 * frexp((double)r, &e); // r = m * 2^(e-1), m in [1, 2): exact, subnormals too
        e -= 1;
        float mf = (float)m;
        int up = sqrt2 ? 2 * e + (mf >= AI_ROOT4_8 ? 2 : mf >= AI_ROOT4_2 ? 1 : 0) : e + (mf >= AI_SQRT_2 ? 1 : 0);
        code = min(-up, qmax);
    }
    if (code >= qmax) return 0.f;
    float base = sqrt2 && (code & 1) ? __fmul_rn(s, AI_INV_SQRT_2) : s;
    int shift = sqrt2 ? code >> 1 : code;
    return (float)ldexp((double)base, -shift); // exact in double, rounded once (Math.scalb)
}

// The scores of the block's 16 query rows against keys [n0, n0 + 8) into s[16][T]: one mma per 32 of hd.
// Fragments of m16n8k32 (PTX ISA): lane = 4 g + t; A regs {row g, row g+8} x {cols 4t.., 16+4t..};
// B regs key g, k 4t.. and 16+4t..; C rows g and g+8, keys 2t and 2t+1.
__device__ __forceinline__ void score_tile(const uint8_t* __restrict__ q, const float* __restrict__ sq, const int* __restrict__ zq,
                                           const uint8_t* __restrict__ k, const float* __restrict__ sk, const int* __restrict__ zk,
                                           const int* qsum, int b, int h, int i0, int n0, int T, int H, int hd, float scale, float* s) {
    int lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
    int r0 = i0 + g, r1 = i0 + g + 8, key = n0 + g;
    const uint8_t* q0 = q + (size_t)((b * T + min(r0, T - 1)) * H + h) * hd;
    const uint8_t* q1 = q + (size_t)((b * T + min(r1, T - 1)) * H + h) * hd;
    const uint8_t* kr = k + (size_t)((b * T + min(key, T - 1)) * H + h) * hd;
    int acc[4] = {0, 0, 0, 0}, ksum = 0;
    for (int c = 0; c < hd; c += 32) {
        int lo = c + 4 * t, hi = c + 16 + 4 * t; // hd % 4 == 0: a 4-byte group is wholly in or out
        uint32_t a0 = r0 < T && lo < hd ? *(const uint32_t*)(q0 + lo) : 0u, a1 = r1 < T && lo < hd ? *(const uint32_t*)(q1 + lo) : 0u;
        uint32_t a2 = r0 < T && hi < hd ? *(const uint32_t*)(q0 + hi) : 0u, a3 = r1 < T && hi < hd ? *(const uint32_t*)(q1 + hi) : 0u;
        uint32_t b0 = key < T && lo < hd ? *(const uint32_t*)(kr + lo) : 0u, b1 = key < T && hi < hd ? *(const uint32_t*)(kr + hi) : 0u;
        ksum += (int)__dp4a(b0, 0x01010101u, 0u) + (int)__dp4a(b1, 0x01010101u, 0u);
        asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u8.u8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                     : "+r"(acc[0]), "+r"(acc[1]), "+r"(acc[2]), "+r"(acc[3])
                     : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    }
    ksum += __shfl_xor_sync(0xffffffffu, ksum, 1);
    ksum += __shfl_xor_sync(0xffffffffu, ksum, 2); // key g's code sum, in lanes 4g..4g+3
#pragma unroll
    for (int e = 0; e < 4; e++) {
        int col = 2 * t + (e & 1), j = n0 + col, row = e < 2 ? g : g + 8, i = i0 + row;
        int kj_sum = __shfl_sync(0xffffffffu, ksum, 4 * col);
        if (i >= T || j >= T) continue;
        int qi = (b * T + i) * H + h, kj = (b * T + j) * H + h;
        int zqi = zq[qi], zkj = zk[kj];
        int exact = acc[e] - zkj * qsum[row] - zqi * kj_sum + hd * zqi * zkj;
        s[row * T + j] = __fmul_rn(__fmul_rn((float)exact, __fmul_rn(sq[qi], sk[kj])), scale);
    }
}

extern "C" __global__ void __launch_bounds__(AI_WARPS * 32)
attention_int_kernel2(const uint8_t* __restrict__ q, const float* __restrict__ sq, const int* __restrict__ zq,
                      const uint8_t* __restrict__ k, const float* __restrict__ sk, const int* __restrict__ zk,
                      const uint8_t* __restrict__ v, float sv, int zv, float* __restrict__ out,
                      int B, int T, int H, int hd, float scale, int prob_bits, int sqrt2) {
    extern __shared__ float p[]; // [AI_ROWS][T]
    __shared__ int qsum[AI_ROWS];
    __shared__ float inv_of[AI_WARPS];
    int tiles = (T + AI_ROWS - 1) / AI_ROWS;
    int bh = blockIdx.x / tiles, i0 = (blockIdx.x % tiles) * AI_ROWS;
    int b = bh / H, h = bh % H;
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (threadIdx.x < AI_ROWS) { // each query row's code sum, for the zero-point correction
        int i = i0 + threadIdx.x, sum = 0;
        if (i < T) {
            const uint8_t* qr = q + (size_t)((b * T + i) * H + h) * hd;
            for (int c = 0; c < hd; c++) sum += qr[c];
        }
        qsum[threadIdx.x] = sum;
    }
    __syncthreads();
    for (int n0 = 8 * warp; n0 < T; n0 += 8 * AI_WARPS) score_tile(q, sq, zq, k, sk, zk, qsum, b, h, i0, n0, T, H, hd, scale, p);
    __syncthreads();
#if AI_STAGES == 1
    return;
#endif
    int qmax = (1 << prob_bits) - 1;
    for (int r = warp * (AI_ROWS / AI_WARPS); r < (warp + 1) * (AI_ROWS / AI_WARPS); r++) {
        int i = i0 + r;
        if (i >= T) break;
        float* s = p + r * T;
        float m = -INFINITY;
        for (int j = lane; j < T; j += 32) m = fmaxf(m, s[j]);
        m = warp_max(m);
        for (int j = lane; j < T; j += 32) s[j] = (float)exp((double)__fsub_rn(s[j], m));
        __syncwarp();
        if (lane == 0) { // the CPU's sequential double sum, for the same bits
            double sum = 0;
            for (int j = 0; j < T; j++) sum += s[j];
            inv_of[warp] = (float)(1.0 / sum);
        }
        __syncwarp();
        float inv = inv_of[warp];
        float pmax = AI_MIN_SCALE;
        for (int j = lane; j < T; j += 32) {
            s[j] = __fmul_rn(s[j], inv);
            pmax = fmaxf(pmax, s[j]);
        }
        pmax = warp_max(pmax);
        for (int j = lane; j < T; j += 32) s[j] = log2_fake_quant(s[j], pmax, sqrt2, qmax);
        __syncwarp();
#if AI_STAGES == 2
        continue;
#endif
        float acc[AI_MAX_HD / 32];
#pragma unroll
        for (int c = 0; c < AI_MAX_HD / 32; c++) acc[c] = 0.f;
        for (int j = 0; j < T; j++) {
            float w = s[j];
            if (w == 0.f) continue; // the top code: exactly 0, skipped as on the CPU
            const uint8_t* vr = v + (size_t)((b * T + j) * H + h) * hd;
#pragma unroll
            for (int c = 0; c < AI_MAX_HD / 32; c++)
                if (lane + 32 * c < hd) acc[c] = __fadd_rn(acc[c], __fmul_rn(w, (float)((int)vr[lane + 32 * c] - zv)));
        }
        float* o = out + ((size_t)b * T + i) * H * hd + h * hd;
#pragma unroll
        for (int c = 0; c < AI_MAX_HD / 32; c++)
            if (lane + 32 * c < hd) o[lane + 32 * c] = __fmul_rn(acc[c], sv);
    }
}
