package io.qvit.quant.model;

import io.qvit.QvitException;
import io.qvit.backend.cpu.CpuBackend;
import io.qvit.data.EvalTransform;
import io.qvit.data.ImageBatches;
import io.qvit.data.Sample;
import io.qvit.model.LoadedModel;
import io.qvit.model.ModelWeights;
import io.qvit.model.VitConfig;
import io.qvit.model.VitParameters;
import io.qvit.quant.ClippingSearch;
import io.qvit.quant.Granularity;
import io.qvit.quant.MinMaxObserver;
import io.qvit.quant.QuantFormat;
import io.qvit.quant.QuantParams;
import io.qvit.quant.QuantRules;
import io.qvit.quant.RangeObserver;
import io.qvit.quant.Ranges;
import io.qvit.quant.SearchObserver;
import io.qvit.quant.reparam.ActivationSmoothing;
import io.qvit.quant.reparam.AttentionRotation;
import io.qvit.quant.reparam.ChannelQuantRange;
import io.qvit.quant.reparam.InputTransform;
import io.qvit.quant.reparam.LayerNormReparameterizer;
import io.qvit.quant.reparam.NormSite;
import io.qvit.quant.reparam.TensorQuantRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Post-training calibration in the manner of RepQ-ViT. The fp32 model runs over the calibration
 * images with an observer on every quantized activation; then
 * <ul>
 *   <li>post-LayerNorm activations: a clipping search per channel, reparameterised to per-tensor
 *       params (which changes norm1/qkv and norm2/fc1 weights, so weights are ranged after it);</li>
 *   <li>other uniform activations: a clipping search over the whole tensor;</li>
 *   <li>probabilities: the log-sqrt(2) scale is their maximum (RepQ-ViT's choice);</li>
 *   <li>weights: a clipping search per output channel, symmetric.</li>
 * </ul>
 * Before any of it, with Q, K and V quantized, each head's Q, K and V are rotated in the weights
 * ({@link AttentionRotation}); after it, the per-row-ranged inputs of fc2, proj and the head get the
 * {@link InputTransform} (smoothing, rotation) that least disturbs their layer's output.
 * Every activation is observed in the fp32 model, in one pass.
 */
public final class Calibrator {
    public static final int DEFAULT_IMAGES = 32;
    /** Values kept per tensor (or per channel) for the clipping search; more only slows it. */
    private static final int TENSOR_SAMPLES = 1 << 16, CHANNEL_SAMPLES = 4096;
    private static final int BATCH = 8;
    /** Rows of a transformed input kept for the transform search (all of the head's: one or two an image). */
    private static final int SMOOTHING_ROWS = 2048;
    /**
     * The per-row-ranged layer inputs whose {@link InputTransform} is searched: fc2's (the GELU output,
     * with the outlier channels), proj's and the head's. ViT-Tiny w4a4, top-1 on the 300 images after
     * the 32 calibration images: 51.0% with fc2's smoothing alone, 59.3% with its rotation as a
     * choice too, 60.7% with proj's and the head's searched as well (61.7% with {@link AttentionRotation}).
     */
    private static final Set<Site> TRANSFORMED = EnumSet.of(Site.FC2_INPUT, Site.PROJ_INPUT, Site.HEAD_INPUT);
    private static final long SEED = 20231;

    private Calibrator() {}

    /** Decodes the calibration samples with the model's eval transform, then calibrates. */
    public static CalibratedModel calibrate(LoadedModel model, QuantConfig quant, List<Sample> samples, CpuBackend backend) {
        if (samples.isEmpty()) throw new QvitException("no calibration images");
        EvalTransform transform = new EvalTransform(model.definition().pretrained().preprocessing());
        float[] images = new float[samples.size() * transform.outputLength()];
        try (ImageBatches batches = new ImageBatches(samples, transform, samples.size(), 1)) {
            for (ImageBatches.Batch b : batches) System.arraycopy(b.data(), 0, images, 0, b.data().length);
            if (!batches.failures().isEmpty())
                throw new QvitException("calibration image " + batches.failures().get(0).file() + " is unreadable: " + batches.failures().get(0).reason());
        }
        return calibrate(model.definition().config(), model.weights(), quant, images, samples.size(), backend);
    }

    /** Calibrates on {@code count} preprocessed images {@code [count, 3, S, S]}. */
    public static CalibratedModel calibrate(VitConfig cfg, ModelWeights fp32, QuantConfig quant, float[] images, int count, CpuBackend backend) {
        ModelWeights weights = QuantConfig.isFloat(quant.attentionBits()) ? fp32 : AttentionRotation.apply(cfg, fp32);
        Map<ActivationKey, RangeObserver> observers = new LinkedHashMap<>();
        Map<ActivationKey, RowSample> smoothed = new LinkedHashMap<>();
        observe(cfg, weights, quant, images, count, backend, observers, smoothed);
        Map<ActivationKey, QuantParams> activations = new HashMap<>();
        Map<ActivationKey, Float> softmax = new HashMap<>();
        Map<NormSite, ChannelQuantRange> perChannel = new LinkedHashMap<>();
        Map<NormSite, ActivationKey> siteKeys = new HashMap<>();
        for (Map.Entry<ActivationKey, RangeObserver> e : observers.entrySet()) {
            ActivationKey key = e.getKey();
            Ranges ranges = e.getValue().ranges();
            if (key.site() == Site.PROBS) {
                softmax.put(key, Math.max(ranges.hi()[0], QuantRules.MIN_SCALE));
            } else if (key.site().postLayerNorm()) {
                QuantParams p = QuantParams.fromRanges(key.site().format(quant), Granularity.PER_CHANNEL, ranges);
                float[] zeros = new float[p.groups()];
                for (int c = 0; c < zeros.length; c++) zeros[c] = p.zeroPoints()[c];
                NormSite site = new NormSite(key.block(), key.site() == Site.QKV_INPUT ? NormSite.Norm.NORM1 : NormSite.Norm.NORM2);
                perChannel.put(site, new ChannelQuantRange(p.scales(), zeros));
                siteKeys.put(site, key);
            } else {
                activations.put(key, QuantParams.fromRanges(key.site().format(quant), Granularity.PER_TENSOR, ranges));
            }
        }
        ModelWeights reparameterised = weights;
        if (!perChannel.isEmpty()) {
            LayerNormReparameterizer.Result r = LayerNormReparameterizer.apply(cfg, weights, perChannel);
            reparameterised = r.weights();
            for (Map.Entry<NormSite, TensorQuantRange> e : r.ranges().entrySet()) {
                ActivationKey key = siteKeys.get(e.getKey());
                activations.put(key, new QuantParams(key.site().format(quant), Granularity.PER_TENSOR,
                        new float[] {e.getValue().scale()}, new int[] {e.getValue().zeroPoint()}));
            }
        }
        Map<ActivationKey, InputTransform> transforms = new HashMap<>();
        if (!smoothed.isEmpty()) reparameterised = smooth(quant, reparameterised, smoothed, activations, transforms, backend);
        return new CalibratedModel(cfg, quant, reparameterised, weightParams(cfg, reparameterised, quant), activations, softmax, transforms);
    }

    /**
     * The {@link #TRANSFORMED} inputs: {@link ActivationSmoothing}'s search per layer; returns the
     * weights of the layers that read them, transformed to match (columns scaled, rows rotated).
     */
    private static ModelWeights smooth(QuantConfig quant, ModelWeights weights, Map<ActivationKey, RowSample> samples,
                                       Map<ActivationKey, QuantParams> activations, Map<ActivationKey, InputTransform> transforms,
                                       CpuBackend backend) {
        Map<String, float[]> replaced = new HashMap<>();
        for (Map.Entry<ActivationKey, RowSample> e : samples.entrySet()) {
            ActivationKey key = e.getKey();
            List<String> readers = new ArrayList<>();
            for (WeightLayer l : WeightLayer.values())
                if (l.input() == key.site() && weights.has(l.module(key.block()) + ".weight")) readers.add(l.module(key.block()) + ".weight");
            String name = readers.get(0); // the head's search stands for head_dist's too: both read the final norm's tokens
            int weightBits = WeightLayer.bits(name, quant);
            QuantFormat weightFormat = QuantConfig.isFloat(weightBits) ? null : QuantFormat.symmetric(weightBits);
            ModelWeights.Param w = weights.get(name);
            QuantFormat format = key.site().format(quant);
            ActivationSmoothing.Result r = ActivationSmoothing.search(e.getValue().rows(), e.getValue().channels(), w.data(),
                    w.shape()[0], format, key.site().dynamic(), weightFormat, backend);
            if (!key.site().dynamic()) activations.put(key, QuantParams.fromRanges(format, Granularity.PER_TENSOR, r.range()));
            InputTransform t = r.transform();
            if (t.divisors() == null && !t.rotated()) continue;
            transforms.put(key, t);
            for (String reader : readers) replaced.put(reader, t.applyToWeight(weights.get(reader).data(), weights.get(reader).shape()[0]));
        }
        return weights.withParams(replaced);
    }

    private static void observe(VitConfig cfg, ModelWeights weights, QuantConfig quant, float[] images, int count,
                                CpuBackend backend, Map<ActivationKey, RangeObserver> observers,
                                Map<ActivationKey, RowSample> smoothed) {
        if (count <= 0) throw new QvitException("no calibration images");
        int stride = (int) Math.max(1, (long) count * cfg.numTokens() / SMOOTHING_ROWS);
        ActivationHook hook = (key, x, cols) -> {
            int bits = key.site().bits(quant);
            if (QuantConfig.isFloat(bits)) return x;
            if (TRANSFORMED.contains(key.site())) {
                smoothed.computeIfAbsent(key, k -> new RowSample(cols, k.site().global() ? 1 : stride)).observe(x);
                return x;
            }
            if (key.site().dynamic()) return x; // ranged per row as it runs
            RangeObserver o = observers.computeIfAbsent(key, k -> observer(k.site(), bits, cols));
            o.observe(key.toString(), key.site().postLayerNorm() ? transpose(x, cols) : x);
            return x;
        };
        int len = images.length / count;
        try (VitParameters params = new VitParameters(cfg, weights, backend)) {
            QuantVit vit = new QuantVit(cfg, params, new HookedOps(cfg, params, backend, hook), backend);
            for (int from = 0; from < count; from += BATCH) {
                int n = Math.min(BATCH, count - from);
                vit.forward(Arrays.copyOfRange(images, from * len, (from + n) * len), n);
            }
        }
    }

    private static RangeObserver observer(Site site, int bits, int cols) {
        if (site == Site.PROBS) return new MinMaxObserver(1);
        ClippingSearch search = new ClippingSearch(QuantFormat.asymmetric(bits));
        return site.postLayerNorm() ? new SearchObserver(cols, search, CHANNEL_SAMPLES, SEED) : new SearchObserver(1, search, TENSOR_SAMPLES, SEED);
    }

    /** {@code [rows, cols]} to {@code [cols, rows]}: observers group contiguous rows, channels are columns. */
    private static float[] transpose(float[] x, int cols) {
        int rows = x.length / cols;
        float[] t = new float[x.length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
        return t;
    }

    private static Map<String, QuantParams> weightParams(VitConfig cfg, ModelWeights weights, QuantConfig quant) {
        if (QuantConfig.isFloat(quant.weightBits())) return Map.of();
        Map<String, QuantParams> params = new ConcurrentHashMap<>();
        List<String> names = new ArrayList<>(WeightLayer.weightNames(cfg));
        names.parallelStream().forEach(name -> {
            QuantFormat format = QuantFormat.symmetric(WeightLayer.bits(name, quant));
            ClippingSearch search = new ClippingSearch(format);
            ModelWeights.Param p = weights.get(name);
            Ranges ranges = search.searchRows(p.data(), p.shape()[0]);
            params.put(name, QuantParams.fromRanges(format, Granularity.PER_CHANNEL, ranges));
        });
        return params;
    }
}
