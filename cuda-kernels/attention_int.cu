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
// version 1 (kept): one warp per query row, 4 per block; the row's T scores in dynamic shared memory.
//
// AI_STAGES (3, all of them, unless defined otherwise) ends the kernel after stage 1 (the scores) or 2
// (softmax and probability codes): AttentionStages compiles those variants to count each stage on the
// emulator as the difference between consecutive variants.
#include <stdint.h>
#include "qvit_common.cuh"

#ifndef AI_STAGES
#define AI_STAGES 3
#endif

#define AI_ROWS 4
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

extern "C" __global__ void __launch_bounds__(AI_ROWS * 32)
attention_int_kernel1(const uint8_t* __restrict__ q, const float* __restrict__ sq, const int* __restrict__ zq,
                      const uint8_t* __restrict__ k, const float* __restrict__ sk, const int* __restrict__ zk,
                      const uint8_t* __restrict__ v, float sv, int zv, float* __restrict__ out,
                      int B, int T, int H, int hd, float scale, int prob_bits, int sqrt2) {
    extern __shared__ float p[]; // [AI_ROWS][T]
    int tiles = (T + AI_ROWS - 1) / AI_ROWS;
    int bh = blockIdx.x / tiles, tile = blockIdx.x % tiles;
    int b = bh / H, h = bh % H;
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int i = tile * AI_ROWS + warp;
    if (i >= T) return;
    float* s = p + warp * T;
    int qi = (b * T + i) * H + h;
    const uint8_t* qr = q + (size_t)qi * hd;
    int zqi = zq[qi];
    float sqi = sq[qi];
    float m = -INFINITY;
    for (int j = lane; j < T; j += 32) {
        int kj = (b * T + j) * H + h;
        const uint8_t* kr = k + (size_t)kj * hd;
        int zkj = zk[kj], acc = 0;
        for (int c = 0; c < hd; c++) acc += ((int)qr[c] - zqi) * ((int)kr[c] - zkj);
        float sc = __fmul_rn(__fmul_rn((float)acc, __fmul_rn(sqi, sk[kj])), scale);
        s[j] = sc;
        m = fmaxf(m, sc);
    }
#if AI_STAGES == 1
    return;
#endif
    m = warp_max(m);
    for (int j = lane; j < T; j += 32) s[j] = (float)exp((double)__fsub_rn(s[j], m));
    __syncwarp();
    __shared__ float inv_of[AI_ROWS];
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
    int qmax = (1 << prob_bits) - 1;
    for (int j = lane; j < T; j += 32) s[j] = log2_fake_quant(s[j], pmax, sqrt2, qmax);
    __syncwarp();
#if AI_STAGES == 2
    return;
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
