// gemm_int: the integer linear layer y[M,N] = dequant(qa[M,K] . qw[N,K]^T) + bias on codes, for
// W4A4, W4A8, W8A4 and W8A8. CPU twin: IntGemm.matmul (int32 sums, then QuantRules.epilogue).
//
// Codes as stored (Int4Packing / Int8Packing): 4-bit codes two per byte along K (element 2i in the low
// nibble), 8-bit codes one per byte; activations unsigned (asymmetric, zero point za per row or one
// for the tensor), weights signed (symmetric) or unsigned with zero points zw per output channel.
// The exact sum is acc = sum(qa*qw) - za*sum_k(qw) - zw*sum_k(qa) + K*za*zw in wrapping int32 (the
// exact value fits; the launcher checks K), then y = (float)acc * (sa*sw) + bias as three separate
// fp32 roundings, bit-identical to the CPU. Then, as the epilogue asks: exact GELU, and either
// residual[m,n] += gamma[n] * y (two roundings, as the CPU; gamma null for 1) or y stored.
//
// version 1 (kept): 64x64 output tile per 128-thread block (2x2 warps of 32x32), K in steps of 32.
// Hopper has no 4-bit tensor-core instruction (mma .s4 becomes a software routine on sm_90), so 4-bit
// codes stay packed in memory (half the bytes) and are widened to 8 bits while staged in shared
// memory; every product is an mma.sync.m16n8k32 on u8 x s8 (or u8 x u8) with s32 accumulation.
// Shared rows are 48 bytes apart so the fragment loads of a warp hit 32 distinct banks. K % 32 == 0
// (every ViT width); M and N are ragged (masked).
#include <stdint.h>
#include "gelu_exact.cuh"

#define GI_BM 64
#define GI_BN 64
#define GI_BK 32
#define GI_LDS 48 // bytes per staged row: 32 codes + 16 of padding against bank conflicts

// Widens 8 packed nibbles (one 32-bit word, element 2i in the low nibble of byte i) to 8 bytes.
template <bool SIGNED>
__device__ __forceinline__ uint2 widen_nibbles(uint32_t w) {
    uint32_t lo = w & 0x0f0f0f0fu, hi = (w >> 4) & 0x0f0f0f0fu; // even and odd elements
    if (SIGNED) { // sign-extend each 4-bit value to 8 bits: (v ^ 8) - 8 per byte, without borrows across bytes
        lo = ((lo ^ 0x08080808u) + 0x78787878u) ^ 0x80808080u;
        hi = ((hi ^ 0x08080808u) + 0x78787878u) ^ 0x80808080u;
    }
    // interleave: bytes e0 o0 e1 o1 | e2 o2 e3 o3
    return make_uint2(__byte_perm(lo, hi, 0x5140), __byte_perm(lo, hi, 0x7362));
}

// Stages rows [row0, row0 + 64) x codes [k0, k0 + 32) of a code matrix into s[64][GI_LDS], widened to
// 8 bits (zeros for rows past `rows`); with COUNT, adds the 16 unsigned codes this thread staged to partial.
template <int BITS, bool SIGNED, bool COUNT>
__device__ __forceinline__ void stage(const uint8_t* __restrict__ codes, int rows, int K, int row0, int k0,
                                      uint8_t* s, int& partial) {
    int t = threadIdx.x; // 128 threads: 2 per row, 16 codes each
    int r = t / 2, half = t % 2;
    uint4 v = make_uint4(0u, 0u, 0u, 0u);
    if (row0 + r < rows) {
        if (BITS == 8) {
            v = *reinterpret_cast<const uint4*>(codes + (size_t)(row0 + r) * K + k0 + half * 16);
        } else {
            uint2 p = *reinterpret_cast<const uint2*>(codes + (size_t)(row0 + r) * (K / 2) + (k0 + half * 16) / 2);
            uint2 a = widen_nibbles<SIGNED>(p.x), b = widen_nibbles<SIGNED>(p.y);
            v = make_uint4(a.x, a.y, b.x, b.y);
        }
    }
    *reinterpret_cast<uint4*>(s + r * GI_LDS + half * 16) = v;
    // the row sums of the (unsigned) activation codes, for the zero-point correction
    if (COUNT) partial += __dp4a(v.x, 0x01010101u, 0u) + __dp4a(v.y, 0x01010101u, 0u) + __dp4a(v.z, 0x01010101u, 0u) + __dp4a(v.w, 0x01010101u, 0u);
}

template <int A_BITS, int W_BITS, bool W_SIGNED>
__device__ __forceinline__ void gemm_int(const uint8_t* __restrict__ qa, const int* __restrict__ za, const float* __restrict__ sa,
                                         int a_per_row, const uint8_t* __restrict__ qw, const int* __restrict__ zw,
                                         const float* __restrict__ sw, const int* __restrict__ wsum,
                                         const float* __restrict__ bias, int gelu, float* __restrict__ residual,
                                         const float* __restrict__ gamma, float* __restrict__ y, int M, int N, int K) {
    __shared__ __align__(16) uint8_t as[GI_BM * GI_LDS];
    __shared__ __align__(16) uint8_t ws[GI_BN * GI_LDS];
    __shared__ int asum[GI_BM];
    int t = threadIdx.x, lane = t % 32, warp = t / 32;
    int g = lane / 4, tg = lane % 4;
    int row0 = blockIdx.y * GI_BM, col0 = blockIdx.x * GI_BN;
    int wm = (warp / 2) * 32, wn = (warp % 2) * 32; // this warp's 32x32 of the tile
    int acc[2][4][4] = {};
    int arow = 0, unused = 0;
    if (t < GI_BM) asum[t] = 0;
    for (int k0 = 0; k0 < K; k0 += GI_BK) {
        stage<A_BITS, false, true>(qa, M, K, row0, k0, as, arow);
        stage<W_BITS, W_SIGNED, false>(qw, N, K, col0, k0, ws, unused);
        __syncthreads();
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
            const uint8_t* a = as + (wm + mi * 16 + g) * GI_LDS + tg * 4;
            uint32_t a0 = *reinterpret_cast<const uint32_t*>(a);
            uint32_t a1 = *reinterpret_cast<const uint32_t*>(a + 8 * GI_LDS);
            uint32_t a2 = *reinterpret_cast<const uint32_t*>(a + 16);
            uint32_t a3 = *reinterpret_cast<const uint32_t*>(a + 8 * GI_LDS + 16);
#pragma unroll
            for (int ni = 0; ni < 4; ni++) {
                const uint8_t* b = ws + (wn + ni * 8 + g) * GI_LDS + tg * 4;
                uint32_t b0 = *reinterpret_cast<const uint32_t*>(b);
                uint32_t b1 = *reinterpret_cast<const uint32_t*>(b + 16);
                int* c = acc[mi][ni];
                if (W_SIGNED)
                    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
                else
                    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u8.u8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                                 : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
            }
        }
        __syncthreads();
    }
    atomicAdd(&asum[t / 2], arow); // two threads staged each row
    __syncthreads();
#pragma unroll
    for (int mi = 0; mi < 2; mi++)
#pragma unroll
        for (int ni = 0; ni < 4; ni++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                int lr = wm + mi * 16 + g + (e / 2) * 8, r = row0 + lr;
                int c = col0 + wn + ni * 8 + tg * 2 + (e % 2);
                if (r >= M || c >= N) continue;
                int zar = za[a_per_row ? r : 0], zwc = zw[c];
                // wrapping int32 arithmetic (unsigned: no overflow UB); the exact sum fits
                uint32_t s = (uint32_t)acc[mi][ni][e] - (uint32_t)zar * (uint32_t)wsum[c] - (uint32_t)zwc * (uint32_t)asum[lr]
                             + (uint32_t)K * (uint32_t)zar * (uint32_t)zwc;
                float scale = __fmul_rn(sa[a_per_row ? r : 0], sw[c]);
                float out = __fadd_rn(__fmul_rn(__int2float_rn((int)s), scale), bias ? bias[c] : 0.f);
                if (gelu) out = gelu_erf(out);
                if (residual) {
                    float* d = residual + (size_t)r * N + c;
                    *d = __fadd_rn(*d, gamma ? __fmul_rn(gamma[c], out) : out);
                } else {
                    y[(size_t)r * N + c] = out;
                }
            }
}

#define GEMM_INT_ENTRY(NAME, AB, WB, WS)                                                                              \
    extern "C" __global__ void __launch_bounds__(128, 4) /* 4 blocks per SM: without it sm_80 spilled 4 bytes */ \
    NAME(const uint8_t* qa, const int* za, const float* sa, int a_per_row, const uint8_t* qw, const int* zw,          \
         const float* sw, const int* wsum, const float* bias, int gelu, float* residual, const float* gamma, float* y,   \
         int M, int N, int K) {                                                                                       \
        gemm_int<AB, WB, WS>(qa, za, sa, a_per_row, qw, zw, sw, wsum, bias, gelu, residual, gamma, y, M, N, K);        \
    }

GEMM_INT_ENTRY(gemm_int_w4a4_kernel1, 4, 4, true)
GEMM_INT_ENTRY(gemm_int_w4a8_kernel1, 8, 4, true)
GEMM_INT_ENTRY(gemm_int_w8a4_kernel1, 4, 8, true)
GEMM_INT_ENTRY(gemm_int_w8a8_kernel1, 8, 8, true)
GEMM_INT_ENTRY(gemm_int_w4a4u_kernel1, 4, 4, false)
GEMM_INT_ENTRY(gemm_int_w4a8u_kernel1, 8, 4, false)
GEMM_INT_ENTRY(gemm_int_w8a4u_kernel1, 4, 8, false)
GEMM_INT_ENTRY(gemm_int_w8a8u_kernel1, 8, 8, false)
