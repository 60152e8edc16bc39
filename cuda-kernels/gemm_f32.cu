// gemm_f32: y[M,N] = x[M,K] . w[N,K]^T (+ bias[N]), fp32 throughout. The CPU twin is CpuBackend.linear.
//
// version 1 (kept): 64x64 output tile per 256-thread block, K in steps of 16 staged in shared memory
// with float4 loads (the launcher requires K % 4 == 0, true of every ViT width), each thread
// accumulating a 4x4 micro-tile. Rows past M and columns past N are masked, so any M and N work.
#define TILE_M 64
#define TILE_N 64
#define TILE_K 16

extern "C" __global__ void __launch_bounds__(256)
gemm_f32_kernel1(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ bias,
                 float* __restrict__ y, int M, int N, int K) {
    // stored k-major so the inner loop reads 4 consecutive rows / columns with one float4
    __shared__ __align__(16) float xs[TILE_K][TILE_M];
    __shared__ __align__(16) float ws[TILE_K][TILE_N];
    int tid = threadIdx.x;
    int row0 = blockIdx.y * TILE_M, col0 = blockIdx.x * TILE_N;
    int ty = tid / 16, tx = tid % 16; // this thread's 4x4 micro-tile: rows ty*4.., cols tx*4..
    float acc[4][4] = {};
    // loading: 64 rows x 16 k = 256 float4s per tile, one per thread
    int lr = tid / 4, lk = (tid % 4) * 4;
    for (int k0 = 0; k0 < K; k0 += TILE_K) {
        float4 a = make_float4(0.f, 0.f, 0.f, 0.f), b = make_float4(0.f, 0.f, 0.f, 0.f);
        if (row0 + lr < M && k0 + lk < K) a = *reinterpret_cast<const float4*>(x + (size_t)(row0 + lr) * K + k0 + lk);
        if (col0 + lr < N && k0 + lk < K) b = *reinterpret_cast<const float4*>(w + (size_t)(col0 + lr) * K + k0 + lk);
        xs[lk][lr] = a.x; xs[lk + 1][lr] = a.y; xs[lk + 2][lr] = a.z; xs[lk + 3][lr] = a.w;
        ws[lk][lr] = b.x; ws[lk + 1][lr] = b.y; ws[lk + 2][lr] = b.z; ws[lk + 3][lr] = b.w;
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE_K; kk++) {
            float4 av = *reinterpret_cast<const float4*>(&xs[kk][ty * 4]);
            float4 bv = *reinterpret_cast<const float4*>(&ws[kk][tx * 4]);
            float ar[4] = {av.x, av.y, av.z, av.w}, br[4] = {bv.x, bv.y, bv.z, bv.w};
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(ar[i], br[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        int r = row0 + ty * 4 + i;
        if (r >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int c = col0 + tx * 4 + j;
            if (c >= N) continue;
            y[(size_t)r * N + c] = acc[i][j] + (bias ? bias[c] : 0.f);
        }
    }
}
