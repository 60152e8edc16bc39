// layernorm: out[r,:] = (x[r,:] - mean) * rstd * gamma + beta over D features, biased variance, as
// torch.nn.LayerNorm, computed as the CPU twin (LayerNorm.row) computes it, so the output is bit-identical:
// mean and variance summed in double as four interleaved partial sums (element j into sum j mod 4, the
// tail past the last multiple of 4 into sum 0), combined as (s0 + s1) + (s2 + s3); no fused multiply-add
// anywhere the CPU has none; the normalisation in fp32 in the CPU's order.
//
// version 2 (kept): four lanes per row, one per partial sum, so each sum is taken in the CPU's order;
// eight rows per warp. (Version 1 summed a row across a warp's 32 lanes in fp32: within 1e-5, but its
// last-bit differences moved the per-row quantization scales of the layers after it.)
extern "C" __global__ void layernorm_kernel2(const float* __restrict__ x, const float* __restrict__ gamma,
                                             const float* __restrict__ beta, float* __restrict__ out,
                                             int M, int D, float eps) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    int r = t / 4, part = t % 4;
    // lanes of rows past M still join the shuffles (all four lanes of a group share r)
    bool live = r < M;
    const float* row = x + (size_t)(live ? r : 0) * D;
    int body = D - D % 4;
    double s = 0;
    if (live) {
        for (int j = part; j < body; j += 4) s = __dadd_rn(s, (double)row[j]);
        if (part == 0)
            for (int j = body; j < D; j++) s = __dadd_rn(s, (double)row[j]);
    }
    // (s0 + s1) + (s2 + s3), in lane 0 of the group, then to all four
    double s1 = __shfl_down_sync(0xffffffffu, s, 1), s2 = __shfl_down_sync(0xffffffffu, s, 2), s3 = __shfl_down_sync(0xffffffffu, s, 3);
    double total = __dadd_rn(__dadd_rn(s, s1), __dadd_rn(s2, s3));
    double mean = __ddiv_rn(__shfl_sync(0xffffffffu, total, threadIdx.x & ~3), (double)D);
    double v = 0;
    if (live) {
        for (int j = part; j < body; j += 4) {
            double c = __dsub_rn((double)row[j], mean);
            v = __dadd_rn(v, __dmul_rn(c, c));
        }
        if (part == 0)
            for (int j = body; j < D; j++) {
                double c = __dsub_rn((double)row[j], mean);
                v = __dadd_rn(v, __dmul_rn(c, c));
            }
    }
    double v1 = __shfl_down_sync(0xffffffffu, v, 1), v2 = __shfl_down_sync(0xffffffffu, v, 2), v3 = __shfl_down_sync(0xffffffffu, v, 3);
    double var = __shfl_sync(0xffffffffu, __dadd_rn(__dadd_rn(v, v1), __dadd_rn(v2, v3)), threadIdx.x & ~3);
    if (!live) return;
    float m = (float)mean;
    float rstd = (float)__ddiv_rn(1.0, __dsqrt_rn(__dadd_rn(__ddiv_rn(var, (double)D), (double)eps)));
    float* o = out + (size_t)r * D;
    for (int j = part; j < D; j += 4) o[j] = __fadd_rn(__fmul_rn(__fmul_rn(__fsub_rn(row[j], m), rstd), gamma[j]), beta[j]);
}
