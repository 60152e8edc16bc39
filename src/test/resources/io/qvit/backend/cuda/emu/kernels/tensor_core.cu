// mma.sync m16n8k32 (s8 x s8 and u8 x s8 into s32) and ldmatrix, with fragments loaded and stored as the
// PTX ISA's layout figures place them: groupID = lane / 4, threadID_in_group = lane % 4.
#include <stdint.h>

// A: 16 x 32 row-major bytes; B: 8 x 32 bytes, column n of the k x n matrix stored as row n; C, D: 16 x 8 int32 row-major.
template <bool ASigned>
__device__ void mma_m16n8k32(const uint8_t* A, const uint8_t* B, const int* C, int* D) {
  int lane = threadIdx.x, g = lane / 4, tig = lane % 4;
  unsigned a[4], b[2];
  for (int r = 0; r < 4; r++) {
    int row = g + (r & 1) * 8, col = tig * 4 + (r >> 1) * 16;
    a[r] = *(const unsigned*)(A + row * 32 + col);
  }
  for (int r = 0; r < 2; r++) b[r] = *(const unsigned*)(B + g * 32 + tig * 4 + r * 16);
  int c[4], d[4];
  for (int i = 0; i < 4; i++) c[i] = C[(g + (i >> 1) * 8) * 8 + tig * 2 + (i & 1)];
  if (ASigned)
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                 : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(c[0]), "r"(c[1]), "r"(c[2]), "r"(c[3]));
  else
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};"
                 : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "r"(c[0]), "r"(c[1]), "r"(c[2]), "r"(c[3]));
  for (int i = 0; i < 4; i++) D[(g + (i >> 1) * 8) * 8 + tig * 2 + (i & 1)] = d[i];
}

extern "C" __global__ void mma_s8s8(const uint8_t* A, const uint8_t* B, const int* C, int* D) { mma_m16n8k32<true>(A, B, C, D); }
extern "C" __global__ void mma_u8s8(const uint8_t* A, const uint8_t* B, const int* C, int* D) { mma_m16n8k32<false>(A, B, C, D); }

// ldmatrix .x4 (and .x4.trans): four 8 x 8 matrices of 16-bit values in shared memory; lane l gives the address of
// row (l % 8) of matrix (l / 8), taken from rows[l] (a permutation, so addresses are not in order).
// out[lane * 4 + m]: the 32-bit register of matrix m that the lane receives.
extern "C" __global__ void ldmatrix_x4(const unsigned short* M, const int* rows, unsigned* out, unsigned* outTrans) {
  __shared__ __align__(16) unsigned short s[32 * 8];
  int lane = threadIdx.x;
  for (int i = lane; i < 32 * 8; i += 32) s[i] = M[i];
  __syncwarp();
  unsigned addr = (unsigned)__cvta_generic_to_shared(&s[rows[lane] * 8]);
  unsigned r0, r1, r2, r3;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
  out[lane * 4] = r0; out[lane * 4 + 1] = r1; out[lane * 4 + 2] = r2; out[lane * 4 + 3] = r3;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3) : "r"(addr));
  outTrans[lane * 4] = r0; outTrans[lane * 4 + 1] = r1; outTrans[lane * 4 + 2] = r2; outTrans[lane * 4 + 3] = r3;
}
