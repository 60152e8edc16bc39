// Functions nvcc keeps as .func (noinline): parameters and a return value through call-site .param variables.
__device__ __noinline__ int scale_and_load(int a, long long b, const int* p) { return a * 3 + (int)(b >> 32) + p[a]; }
__device__ __noinline__ void store(int* p, int v) { *p = v; }
extern "C" __global__ void device_calls(const int* in, int* out) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;
  int v = scale_and_load(t, 2LL << 32, in);
  store(out + t, v);
  store(out + t, v + scale_and_load(0, 1LL << 32, in));
}
