#include <stdint.h>
#include <cuda_pipeline.h>
// A tiled int8 GEMM as the project's kernels are built: C = A * B^T with A [M][K] and B [N][K] int8
// (row-major), C [M][N] int32; 32 x 32 block tiles, K in steps of 32, double-buffered through cp.async,
// fragments through ldmatrix, products through mma.sync m16n8k32. M and N multiples of 32, K of 32.
extern "C" __global__ void gemm_s8(const int8_t* A, const int8_t* B, int* C, int M, int N, int K) {
  __shared__ __align__(16) int8_t As[2][32 * 32];
  __shared__ __align__(16) int8_t Bs[2][32 * 32];
  int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  int bm = blockIdx.y * 32, bn = blockIdx.x * 32;
  int wm = (warp / 2) * 16, wn = (warp % 2) * 16;
  int acc[2][4] = {};
  int tiles = K / 32;
  // threads 0..63 copy A's 64 chunks of 16 bytes, threads 64..127 B's
  int c = tid % 64, row = c / 2, col = (c % 2) * 16;
  if (tid < 64) __pipeline_memcpy_async(&As[0][row * 32 + col], &A[(size_t)(bm + row) * K + col], 16);
  else __pipeline_memcpy_async(&Bs[0][row * 32 + col], &B[(size_t)(bn + row) * K + col], 16);
  __pipeline_commit();
  for (int t = 0; t < tiles; t++) {
    int buf = t & 1;
    if (t + 1 < tiles) {
      int k0 = (t + 1) * 32;
      if (tid < 64) __pipeline_memcpy_async(&As[buf ^ 1][row * 32 + col], &A[(size_t)(bm + row) * K + k0 + col], 16);
      else __pipeline_memcpy_async(&Bs[buf ^ 1][row * 32 + col], &B[(size_t)(bn + row) * K + k0 + col], 16);
      __pipeline_commit();
      __pipeline_wait_prior(1);
    } else {
      __pipeline_wait_prior(0);
    }
    __syncthreads();
    unsigned a[4], b[4];
    // A: matrices (rows 0-7, bytes 0-15), (rows 8-15, bytes 0-15), (rows 0-7, bytes 16-31), (rows 8-15, bytes 16-31)
    int arow = wm + lane % 8 + (lane / 8) % 2 * 8, acol = lane / 16 * 16;
    unsigned aaddr = (unsigned)__cvta_generic_to_shared(&As[buf][arow * 32 + acol]);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(a[0]), "=r"(a[1]), "=r"(a[2]), "=r"(a[3]) : "r"(aaddr));
    // B: matrices (n 0-7, k 0-15), (n 0-7, k 16-31), (n 8-15, k 0-15), (n 8-15, k 16-31)
    int brow = wn + lane % 8 + lane / 16 * 8, bcol = (lane / 8) % 2 * 16;
    unsigned baddr = (unsigned)__cvta_generic_to_shared(&Bs[buf][brow * 32 + bcol]);
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];" : "=r"(b[0]), "=r"(b[1]), "=r"(b[2]), "=r"(b[3]) : "r"(baddr));
    for (int j = 0; j < 2; j++)
      asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   : "+r"(acc[j][0]), "+r"(acc[j][1]), "+r"(acc[j][2]), "+r"(acc[j][3])
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[2 * j]), "r"(b[2 * j + 1]));
    __syncthreads();
  }
  int g = lane / 4, tig = lane % 4;
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 4; i++)
      C[(size_t)(bm + wm + g + i / 2 * 8) * N + bn + wn + j * 8 + tig * 2 + i % 2] = acc[j][i];
}
