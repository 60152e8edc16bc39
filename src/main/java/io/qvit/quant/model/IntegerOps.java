package io.qvit.quant.model;

import io.qvit.backend.Tensor;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.backend.cpu.CpuTensor;
import io.qvit.backend.cpu.Im2col;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.quant.IntGemm;
import io.qvit.quant.QuantParams;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.InputTransform;

/**
 * Integer execution of a {@link QuantizedModel}, the CPU reference of the kernels: each layer's input
 * goes through its {@link InputTransform} (smoothing divisors, a rotation), is quantized to codes (per
 * row for {@link Site#dynamic()} sites, per tensor for the patch input), multiplied with the
 * weight codes with exact zero-point correction ({@link CodeProducts}: int32 sums of packed codes, or
 * the same sums from the float GEMM), and scaled back with the bias added in the float epilogue
 * ({@link IntGemm#epilogue}). The attention core is {@link IntegerAttention}.
 */
final class IntegerOps implements VitOps {
    private final QuantizedModel model;
    private final VitConfig cfg;
    private final CpuBackend backend;
    private final CodeProducts products;

    IntegerOps(QuantizedModel model, CpuBackend backend, CodeProducts products) {
        this.model = model;
        this.cfg = model.config();
        this.backend = backend;
        this.products = products;
    }

    @Override
    public Tensor patchEmbed(float[] images, int batch) {
        int s = cfg.imgSize(), p = cfg.patchSize(), k = cfg.inChans() * p * p, patches = batch * (s / p) * (s / p);
        float[] cols = new float[patches * k];
        Im2col.rows(images, cfg.inChans(), s, s, p, cols, 0, batch * (s / p));
        return matmul(WeightLayer.PATCH_EMBED, -1, cols, patches, k);
    }

    @Override
    public Tensor linear(WeightLayer layer, int block, Tensor x) {
        int[] shape = x.shape();
        int k = shape[shape.length - 1];
        return matmul(layer, block, ((CpuTensor) x).data(), (int) (x.numel() / k), k);
    }

    @Override
    public Tensor attention(int block, Tensor qkv, int batch) {
        IntegerAttention attention = new IntegerAttention(batch, cfg.numTokens(), cfg.numHeads(), cfg.embedDim());
        return backend.fromHost(attention.run(((CpuTensor) qkv).data(), model, block), batch * cfg.numTokens(), cfg.embedDim());
    }

    private Tensor matmul(WeightLayer layer, int block, float[] x, int rows, int k) {
        ActivationKey key = layer.inputKey(block);
        String module = layer.module(block);
        QuantizedModel.PackedWeight w = model.packed().get(module + ".weight");
        InputTransform transform = model.transforms().get(key);
        float[] in = transform == null ? x : transform.apply(x);
        QuantParams pa = key.site().dynamic()
                ? key.site().rowParams(key.toString(), in, k, model.quant())
                : model.activationParams().get(key);
        int[] codes = new UniformQuantizer(pa).quantize(key.toString(), in);
        ModelWeights.Param bias = model.floatParam(module + ".bias");
        int[] sums = products.sums(module + ".weight", codes, rows, k, pa);
        float[] y = IntGemm.epilogue(sums, rows, pa, w.params(), bias == null ? null : bias.data());
        return backend.fromHost(y, rows, w.codes().rows());
    }
}
