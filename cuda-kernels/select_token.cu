// select_token: out[b, :] = x[b * T + index, :] for each image b. CPU twin: CpuBackend.selectToken.
extern "C" __global__ void select_token_kernel1(const float* __restrict__ x, float* __restrict__ out,
                                                int B, int T, int D, int index) {
    int total = B * D;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int b = i / D, d = i % D;
        out[i] = x[(b * T + index) * D + d];
    }
}
