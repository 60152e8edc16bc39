// Global and shared atomics: every thread adds into global counters and a per-block shared histogram.
extern "C" __global__ void atomics(const int* in, int* out, unsigned* counters, int* histogram) {
  __shared__ int bins[8];
  int t = threadIdx.x;
  if (t < 8) bins[t] = 0;
  __syncthreads();
  int v = in[blockIdx.x * blockDim.x + t];
  atomicAdd(&out[0], v);
  atomicMax(&out[1], v);
  atomicMin(&out[2], v);
  atomicXor(&out[3], v);
  atomicOr(&out[4], v);
  atomicAnd(&out[5], v);
  atomicInc(&counters[0], 17u);
  atomicDec(&counters[1], 5u);
  atomicAdd(&bins[v & 7], 1);
  __syncthreads();
  if (t < 8) atomicAdd(&histogram[t], bins[t]);
}
