package io.qvit.quant.model;

import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cpu.CpuTensor;
import io.qvit.model.VitConfig;
import io.qvit.model.VitParameters;

/**
 * Float matrix products whose inputs pass an {@link ActivationHook} first: calibration observes
 * them, the fake-quant model replaces them by their quantized-then-dequantized values. Weights are
 * whatever float tensors {@code params} holds (fp32 for calibration, fake-quantized for simulation).
 * Activations pass through the host without copies (CPU tensors wrap their arrays).
 */
final class HookedOps implements VitOps {
    private final VitConfig cfg;
    private final VitParameters params;
    private final CpuBackend backend;
    private final ActivationHook hook;

    HookedOps(VitConfig cfg, VitParameters params, CpuBackend backend, ActivationHook hook) {
        this.cfg = cfg;
        this.params = params;
        this.backend = backend;
        this.hook = hook;
    }

    @Override
    public Tensor patchEmbed(float[] images, int batch) {
        int s = cfg.imgSize();
        float[] in = hook.apply(ActivationKey.global(Site.PATCH_INPUT), images, s);
        try (Tensor img = backend.fromHost(in, batch, cfg.inChans(), s, s)) {
            return backend.patchEmbed(img, params.patchW, params.patchB, cfg.patchSize());
        }
    }

    @Override
    public Tensor linear(WeightLayer layer, int block, Tensor x) {
        float[] before = ((CpuTensor) x).data();
        int[] shape = x.shape();
        float[] after = hook.apply(layer.inputKey(block), before, shape[shape.length - 1]);
        Tensor[] wb = weightAndBias(layer, block);
        if (after == before) return backend.linear(x, wb[0], wb[1]);
        try (Tensor hooked = backend.fromHost(after, shape)) {
            return backend.linear(hooked, wb[0], wb[1]);
        }
    }

    @Override
    public Tensor attention(int block, Tensor qkv, int batch) {
        HookedAttention attention = new HookedAttention(batch, cfg.numTokens(), cfg.numHeads(), cfg.embedDim());
        return backend.fromHost(attention.run(((CpuTensor) qkv).data(), hook, block), batch * cfg.numTokens(), cfg.embedDim());
    }

    private Tensor[] weightAndBias(WeightLayer layer, int block) {
        VitParameters.Block b = block < 0 ? null : params.blocks.get(block);
        return switch (layer) {
            case PATCH_EMBED -> new Tensor[] {params.patchW, params.patchB};
            case QKV -> new Tensor[] {b.qkvW(), b.qkvB()};
            case PROJ -> new Tensor[] {b.projW(), b.projB()};
            case FC1 -> new Tensor[] {b.fc1W(), b.fc1B()};
            case FC2 -> new Tensor[] {b.fc2W(), b.fc2B()};
            case HEAD -> new Tensor[] {params.headW, params.headB};
            case HEAD_DIST -> new Tensor[] {params.headDistW, params.headDistB};
        };
    }
}
