#include <cuda_pipeline.h>
// Kernels with one planted bug each, for the sanitizers to catch.

// memcheck: the guard is i <= n, so thread n writes one element past the end.
extern "C" __global__ void oob_write(int* out, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i <= n) out[i] = i;
}

// initcheck: reads s[t + 1], which thread t + 1 of the last warp never wrote (only t < blockDim.x - 1 write).
extern "C" __global__ void uninitialised_read(int* out) {
  __shared__ int s[256];
  int t = threadIdx.x;
  if (t < blockDim.x - 1) s[t] = t;
  __syncthreads();
  out[t] = s[(t + 1) % blockDim.x];
}

// racecheck: the tree reduction without the __syncthreads between levels.
extern "C" __global__ void missing_syncthreads(const int* in, int* out) {
  __shared__ int s[256];
  int t = threadIdx.x;
  s[t] = in[blockIdx.x * blockDim.x + t];
  __syncthreads();
  for (int k = blockDim.x / 2; k > 0; k >>= 1) {
    if (t < k) s[t] += s[t + k];
  }
  if (t == 0) out[blockIdx.x] = s[0];
}

// initcheck: cp.async copies committed but never waited for before the barrier and the reads.
extern "C" __global__ void missing_cp_async_wait(const float4* in, float4* out) {
  __shared__ float4 s[128];
  int t = threadIdx.x;
  __pipeline_memcpy_async(&s[t], &in[blockIdx.x * 128 + t], 16);
  __pipeline_commit();
  __syncthreads();
  out[blockIdx.x * 128 + t] = s[127 - t];
}

// deadlock: only the first half of the block reaches the barrier; the rest exit.
extern "C" __global__ void half_barrier(int* out) {
  __shared__ int s[256];
  int t = threadIdx.x;
  if (t < blockDim.x / 2) {
    s[t] = t;
    __syncthreads();
    out[t] = s[blockDim.x / 2 - 1 - t];
  }
}
