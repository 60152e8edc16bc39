// residual_add: x[r, c] += gamma[c] * y[r, c] (LayerScale), or x += y with gamma null.
// CPU twin: CpuBackend.addInPlace.
extern "C" __global__ void residual_add_kernel1(float* __restrict__ x, const float* __restrict__ y,
                                                const float* __restrict__ gamma, int n, int D) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        x[i] = gamma ? x[i] + __fmul_rn(gamma[i % D], y[i]) : x[i] + y[i]; // two roundings, as the CPU twin
}
