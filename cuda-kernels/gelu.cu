// gelu: x = GELU(x) in place, exact erf form (n < 2^31, as for every elementwise kernel: the launcher
// checks). CPU twin: CpuBackend.geluInPlace.
#include "gelu_exact.cuh"

extern "C" __global__ void gelu_kernel1(float* __restrict__ x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) x[i] = gelu_erf(x[i]);
}
