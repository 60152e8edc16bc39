package io.qvit.quant.model;

import io.qvit.backend.Backend;
import io.qvit.model.AttentionLayer;
import io.qvit.model.ModelWeights;
import io.qvit.model.VisionTransformer;
import io.qvit.model.VitConfig;
import io.qvit.model.VitLayers;
import io.qvit.quant.Granularity;
import io.qvit.quant.PercentileSearch;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.QuantRules;
import io.qvit.quant.UniformQuantizer;
import io.qvit.quant.reparam.LayerNormReparameterizer;
import io.qvit.quant.reparam.NormSite;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calibration of the methods with one static range per activation ({@link QuantMethod#REPQ},
 * {@link QuantMethod#MINMAX}), as RepQ-ViT's code calibrates: the model runs once over all
 * calibration images in one batch with its weights and every activation fake-quantized, and each
 * quantizer takes its range the first time it sees its tensor, so it sees the output of the
 * already-quantized layers before it. The attention core runs on the host for it (Q, K, the
 * probabilities and V each quantized over the whole batch). Under RepQ-ViT, qkv's and fc1's inputs
 * are then calibrated per channel, and their ranges are reparameterised into one
 * ({@link #reparameterise}); the weights of the changed layers are calibrated again.
 */
final class InOrderCalibration {
    private final VitConfig cfg;
    private final QuantConfig quant;
    private final QuantMethod method;
    private final Map<ActivationKey, QuantParams> activations = new LinkedHashMap<>();
    /** RepQ-ViT's per-channel ranges of the post-LayerNorm inputs, before reparameterisation. */
    private final Map<ActivationKey, PercentileSearch.Affine[]> perChannel = new LinkedHashMap<>();

    private InOrderCalibration(VitConfig cfg, QuantConfig quant) {
        this.cfg = cfg;
        this.quant = quant;
        this.method = quant.method();
    }

    static CalibratedModel calibrate(VitConfig cfg, ModelWeights fp32, QuantConfig quant, float[] images, int count, Backend backend) {
        InOrderCalibration c = new InOrderCalibration(cfg, quant);
        c.run(fp32, images, count, backend);
        ModelWeights weights = c.perChannel.isEmpty() ? fp32 : c.reparameterise(fp32);
        return new CalibratedModel(cfg, quant, weights, weightParams(cfg, weights, quant), c.activations, Map.of());
    }

    /** The one calibration forward, every quantizer set on first sight. */
    private void run(ModelWeights fp32, float[] images, int count, Backend backend) {
        ModelWeights weights = fakeQuant(fp32, weightParams(cfg, fp32, quant));
        ActivationHook hook = (key, x, cols) -> QuantConfig.isFloat(key.site().bits(quant)) ? x : quantize(key, x, cols);
        VitLayers layers = HookedLayers.hook(cfg, VitLayers.fp32(cfg, VisionTransformer.byName(weights), backend), hook,
                block -> attention(block, backend), true, backend);
        try (VisionTransformer vit = new VisionTransformer(cfg, VisionTransformer.byName(weights), layers, backend)) {
            vit.forward(images, count);
        }
    }

    /** x fake-quantized at its key's range, taken from x on the first sight. */
    private float[] quantize(ActivationKey key, float[] x, int cols) {
        int bits = key.site().bits(quant);
        if (method == QuantMethod.REPQ && key.site().postLayerNorm()) {
            PercentileSearch.Affine[] p = perChannel.computeIfAbsent(key, k -> PercentileSearch.searchColumns(x, cols, bits));
            return PercentileSearch.fakeQuantColumns(x, p, bits);
        }
        QuantParams p = activations.computeIfAbsent(key, k -> tensorParams(x, key.site().format(quant)));
        return new UniformQuantizer(p).fakeQuant(key.toString(), x);
    }

    /** One range for the whole tensor: RepQ-ViT's percentile search, or min-max. */
    private QuantParams tensorParams(float[] x, QuantFormat f) {
        if (method == QuantMethod.MINMAX) return QuantParams.minMax("activation", x, 1, f, Granularity.PER_TENSOR);
        PercentileSearch.Affine a = PercentileSearch.search(x, f.bits());
        return affineParams(f, a);
    }

    /**
     * A block's attention on the host: Q, K and V (each {@code [B, H, T, d]}) and the probabilities
     * quantized at their ranges (set on first sight), softmax as the backends compute it.
     */
    private AttentionLayer attention(int block, Backend backend) {
        return (qkv, batch, tokens, heads) -> {
            float[] x = backend.toHost(qkv);
            int dim = qkv.shape()[1] / 3, d = dim / heads;
            float[][] qkvHeads = new float[3][batch * heads * tokens * d];
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < tokens; t++)
                    for (int part = 0; part < 3; part++)
                        for (int h = 0; h < heads; h++)
                            System.arraycopy(x, (b * tokens + t) * 3 * dim + part * dim + h * d, qkvHeads[part], ((b * heads + h) * tokens + t) * d, d);
            Site[] sites = {Site.Q, Site.K, Site.V};
            if (!QuantConfig.isFloat(quant.attentionBits()))
                for (int part = 0; part < 3; part++) qkvHeads[part] = quantize(new ActivationKey(block, sites[part]), qkvHeads[part], d);
            float[] q = qkvHeads[0], k = qkvHeads[1], v = qkvHeads[2];
            float[] p = new float[batch * heads * tokens * tokens];
            float scale = (float) (1.0 / Math.sqrt(d));
            for (int bh = 0; bh < batch * heads; bh++)
                for (int i = 0; i < tokens; i++) {
                    int row = (bh * tokens + i) * tokens;
                    for (int j = 0; j < tokens; j++) {
                        float s = 0;
                        for (int c = 0; c < d; c++) s += q[(bh * tokens + i) * d + c] * k[(bh * tokens + j) * d + c];
                        p[row + j] = s * scale;
                    }
                    softmax(p, row, tokens);
                }
            if (!QuantConfig.isFloat(quant.softmaxBits())) p = quantizeProbabilities(new ActivationKey(block, Site.PROBS), p);
            float[] out = new float[batch * tokens * dim];
            for (int bh = 0; bh < batch * heads; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int i = 0; i < tokens; i++) {
                    int o = (b * tokens + i) * dim + h * d;
                    for (int j = 0; j < tokens; j++) {
                        float w = p[(bh * tokens + i) * tokens + j];
                        if (w == 0f) continue;
                        for (int c = 0; c < d; c++) out[o + c] += w * v[(bh * tokens + j) * d + c];
                    }
                }
            }
            return backend.fromHost(out, batch * tokens, dim);
        };
    }

    /** The probabilities at their calibrated scale: log-sqrt(2) codes (RepQ-ViT) or uniform ones (min-max). */
    private float[] quantizeProbabilities(ActivationKey key, float[] p) {
        int bits = quant.softmaxBits();
        QuantFormat f = QuantFormat.asymmetric(bits);
        QuantParams params = activations.computeIfAbsent(key, k -> {
            float s;
            if (method == QuantMethod.REPQ) s = PercentileSearch.log2Scale(p, bits);
            else {
                float max = 0;
                for (float v : p) max = Math.max(max, v);
                s = QuantRules.scale(f, 0, max);
            }
            return new QuantParams(f, Granularity.PER_TENSOR, new float[] {s}, new int[] {0});
        });
        float s = params.scaleOfRow(0);
        float[] out = new float[p.length];
        if (method == QuantMethod.REPQ) {
            int qmax = method.probabilityCodes().log2Qmax(bits);
            for (int i = 0; i < p.length; i++) out[i] = QuantRules.log2Value(QuantRules.log2Code(p[i], s, true, qmax), s, true, qmax);
        } else {
            for (int i = 0; i < p.length; i++) out[i] = QuantRules.dequantize(QuantRules.quantize(p[i], s, 0, 0, f.qmax()), s, 0);
        }
        return out;
    }

    /** Softmax of p[row .. row + n) as the backends take it: minus the max, exp in double, summed in double. */
    private static void softmax(float[] p, int row, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, p[row + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(p[row + j] - max);
            p[row + j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < n; j++) p[row + j] *= inv;
    }

    /**
     * RepQ-ViT's scale reparameterisation: with channel c's range given by its scale {@code Δc} and
     * zero point {@code zc}, the target scale is the mean of the Δc and the target zero point the
     * mean of the zc (the quantizer takes it rounded, so that the integer path can run it);
     * {@code r = Δ / Δ̄} and {@code b = minc / r - min̄} move every channel onto the target range
     * ({@link LayerNormReparameterizer#applyWithShifts}).
     */
    private ModelWeights reparameterise(ModelWeights fp32) {
        Map<NormSite, float[]> divisors = new HashMap<>(), shifts = new HashMap<>();
        for (Map.Entry<ActivationKey, PercentileSearch.Affine[]> e : perChannel.entrySet()) {
            PercentileSearch.Affine[] a = e.getValue();
            QuantFormat f = e.getKey().site().format(quant);
            double deltaSum = 0, zeroSum = 0;
            for (PercentileSearch.Affine x : a) {
                deltaSum += x.delta();
                zeroSum += x.zeroPoint();
            }
            float delta = (float) (deltaSum / a.length), meanZero = (float) (zeroSum / a.length);
            // RepQ-ViT shifts onto the mean zero point itself, fractional: the channels' grids stay where its
            // code puts them, and only a clipped value differs (by under half a step) with the rounded zero point
            float targetMin = -meanZero * delta;
            int zero = (int) Math.min(Math.max(Math.rint(meanZero), 0), f.qmax());
            float[] r = new float[a.length], b = new float[a.length];
            for (int c = 0; c < a.length; c++) {
                r[c] = a[c].delta() / delta;
                b[c] = a[c].min() / r[c] - targetMin;
            }
            ActivationKey key = e.getKey();
            NormSite site = new NormSite(key.block(), key.site() == Site.QKV_INPUT ? NormSite.Norm.NORM1 : NormSite.Norm.NORM2);
            divisors.put(site, r);
            shifts.put(site, b);
            activations.put(key, new QuantParams(f, Granularity.PER_TENSOR, new float[] {Math.max(delta, QuantRules.MIN_SCALE)}, new int[] {zero}));
        }
        return LayerNormReparameterizer.applyWithShifts(cfg, fp32, divisors, shifts);
    }

    /** Per output channel: RepQ-ViT's percentile search (asymmetric), or symmetric min-max. */
    static Map<String, QuantParams> weightParams(VitConfig cfg, ModelWeights weights, QuantConfig quant) {
        if (QuantConfig.isFloat(quant.weightBits())) return Map.of();
        Map<String, QuantParams> params = new ConcurrentHashMap<>();
        List<String> names = WeightLayer.weightNames(cfg);
        names.parallelStream().forEach(name -> {
            QuantFormat f = WeightLayer.format(name, quant);
            ModelWeights.Param w = weights.get(name);
            int rows = w.shape()[0];
            if (quant.method() == QuantMethod.MINMAX) {
                params.put(name, QuantParams.minMax(name, w.data(), rows, f, Granularity.PER_CHANNEL));
                return;
            }
            PercentileSearch.Affine[] a = PercentileSearch.searchRows(w.data(), rows, f.bits());
            params.put(name, affineParams(f, a));
        });
        return params;
    }

    /** Integer params of RepQ-ViT's affine ranges (the zero points clamped into the codes, which ranges holding 0 never need). */
    private static QuantParams affineParams(QuantFormat f, PercentileSearch.Affine... a) {
        float[] scales = new float[a.length];
        int[] zeros = new int[a.length];
        for (int g = 0; g < a.length; g++) {
            scales[g] = a[g].delta();
            zeros[g] = (int) Math.min(Math.max(a[g].zeroPoint(), 0f), f.qmax());
        }
        return new QuantParams(f, a.length == 1 ? Granularity.PER_TENSOR : Granularity.PER_CHANNEL, scales, zeros);
    }

    private static ModelWeights fakeQuant(ModelWeights w, Map<String, QuantParams> params) {
        Map<String, float[]> replaced = new HashMap<>();
        params.forEach((name, p) -> replaced.put(name, new UniformQuantizer(p).fakeQuant(name, w.get(name).data())));
        return w.withParams(replaced);
    }
}
