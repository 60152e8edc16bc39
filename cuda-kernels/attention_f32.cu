// attention_f32: softmax(q k^T * scale) v per image and head, from qkv [B*T, 3*D] laid out as timm's
// qkv.reshape(B, T, 3, H, hd); out [B*T, D] with the heads concatenated. CPU twin: CpuBackend.attention.
//
// version 1 (kept): one block per (image, head, tile of 4 query rows), one warp per query row. The
// warp's row of T scores lives in dynamic shared memory (4 * T floats: 3.2 KB at T = 197); K and V
// are read from global memory (they stay in L2 across the query tiles of a head). Scores, max and sum
// in fp32; exp through expf. hd <= 128 (each lane holds hd/32 output features).
#include "qvit_common.cuh"

#define ATT_ROWS 4
#define ATT_MAX_HD 128

extern "C" __global__ void __launch_bounds__(ATT_ROWS * 32)
attention_f32_kernel1(const float* __restrict__ qkv, float* __restrict__ out, int B, int T, int H, int hd, float scale) {
    extern __shared__ float scores[]; // [ATT_ROWS][T]
    int D = H * hd, ld = 3 * D;
    int tiles = (T + ATT_ROWS - 1) / ATT_ROWS;
    int bh = blockIdx.x / tiles, tile = blockIdx.x % tiles;
    int b = bh / H, h = bh % H;
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int i = tile * ATT_ROWS + warp; // this warp's query row
    if (i >= T) return;
    const float* base = qkv + (size_t)b * T * ld + h * hd;
    const float* q = base + (size_t)i * ld;
    float* s = scores + warp * T;
    float m = -INFINITY;
    for (int j = lane; j < T; j += 32) {
        const float* k = base + (size_t)j * ld + D;
        float acc = 0.f;
        for (int c = 0; c < hd; c++) acc = fmaf(q[c], k[c], acc);
        acc *= scale;
        s[j] = acc;
        m = fmaxf(m, acc);
    }
    m = warp_max(m);
    float sum = 0.f;
    for (int j = lane; j < T; j += 32) {
        float e = expf(s[j] - m);
        s[j] = e;
        sum += e;
    }
    float inv = 1.f / warp_sum(sum);
    __syncwarp();
    float acc[ATT_MAX_HD / 32] = {};
    for (int j = 0; j < T; j++) {
        float p = s[j] * inv;
        const float* v = base + (size_t)j * ld + 2 * D;
#pragma unroll
        for (int c = 0; c < ATT_MAX_HD / 32; c++)
            if (lane + 32 * c < hd) acc[c] = fmaf(p, v[lane + 32 * c], acc[c]);
    }
    float* o = out + ((size_t)b * T + i) * D + h * hd;
#pragma unroll
    for (int c = 0; c < ATT_MAX_HD / 32; c++)
        if (lane + 32 * c < hd) o[lane + 32 * c] = acc[c];
}
