// assemble_tokens: out[B*T, D] = per image, the prefix tokens (class, then distillation) then its P
// patch tokens, plus the position embedding: pos [P + prefix, D] over all tokens, or [P, D] over the
// patches only (DeiT3's no_embed_class: pos_covers_prefix = 0). CPU twin: CpuBackend.assembleTokens.
// The prefix tokens come as two pointers, each [D] (cls, then dist; null when absent), so that the
// parameters stay where they were uploaded and a captured forward reads no host data.
// One thread per output element.
extern "C" __global__ void assemble_tokens_kernel1(const float* __restrict__ patches, const float* __restrict__ cls,
                                                   const float* __restrict__ dist,
                                                   const float* __restrict__ pos, float* __restrict__ out,
                                                   int B, int P, int nprefix, int D, int pos_covers_prefix) {
    int T = P + nprefix;
    int total = B * T * D;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int d = i % D, t = (i / D) % T, b = i / (T * D);
        float v;
        if (t < nprefix) {
            v = (t == 0 ? cls : dist)[d];
            if (pos_covers_prefix) v += pos[t * D + d];
        } else {
            v = patches[(b * P + (t - nprefix)) * D + d] + pos[(pos_covers_prefix ? t : t - nprefix) * D + d];
        }
        out[i] = v;
    }
}
