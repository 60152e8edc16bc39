// layernorm: out[r,:] = (x[r,:] - mean) * rstd * gamma + beta over D features, biased variance, as
// torch.nn.LayerNorm. CPU twin: CpuBackend.layerNorm (which sums in double; here fp32 sums of the
// warp's lanes, two passes: the tolerance is stated in the test). One warp per row; rows = M.
#include "qvit_common.cuh"

extern "C" __global__ void layernorm_kernel1(const float* __restrict__ x, const float* __restrict__ gamma,
                                             const float* __restrict__ beta, float* __restrict__ out,
                                             int M, int D, float eps) {
    int warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32, lane = threadIdx.x % 32;
    if (warp >= M) return; // whole warps leave together: blockDim is a multiple of 32
    const float* row = x + (size_t)warp * D;
    float s = 0.f;
    for (int j = lane; j < D; j += 32) s += row[j];
    float mean = warp_sum(s) / D;
    float v = 0.f;
    for (int j = lane; j < D; j += 32) {
        float c = row[j] - mean;
        v = fmaf(c, c, v);
    }
    float rstd = rsqrtf(warp_sum(v) / D + eps);
    float* o = out + (size_t)warp * D;
    for (int j = lane; j < D; j += 32) o[j] = (row[j] - mean) * rstd * gamma[j] + beta[j];
}
